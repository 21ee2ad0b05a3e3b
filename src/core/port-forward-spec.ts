// `remora port-forward` arguments, as kubectl writes them: `[LOCAL_ADDR:]LOCAL_PORT:REMOTE_PORT`,
// `PORT` (the same number on both sides) and `:REMOTE_PORT` (any free local port), plus the
// `--address` list of local bind addresses. Pure, so every shape is unit-tested.
import { isIP } from 'node:net';
import { RemoraError } from './errors.js';

export interface ForwardSpec {
  /** Local bind addresses; from the spec's own LOCAL_ADDR, else from --address. */
  localAddresses: string[];
  /** 0 asks the system for a free port. */
  localPort: number;
  remotePort: number;
}

export const DEFAULT_LOCAL_ADDRESS = '127.0.0.1';
export const DEFAULT_REMOTE_ADDRESS = '127.0.0.1';

function portOf(text: string, spec: string, side: 'local' | 'remote'): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new RemoraError('USAGE', `"${spec}": ${side} port "${text}" is not a port number (1-65535)`, {
      hint: 'write LOCAL:REMOTE, PORT or :REMOTE, e.g. 8080:80',
    });
  }
  return port;
}

/** One bind address: numeric IPv4/IPv6 (brackets allowed) or `localhost` (both loopbacks, as kubectl). */
export function parseLocalAddress(text: string): string[] {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (bare === 'localhost') return ['127.0.0.1', '::1'];
  if (isIP(bare) === 0) {
    throw new RemoraError('USAGE', `"${text}" is not an IP address to listen on`, {
      hint: 'give numeric addresses, e.g. --address 127.0.0.1,::1 or 0.0.0.0',
    });
  }
  return [bare];
}

/** `--address a,b`: the local bind addresses (default 127.0.0.1). */
export function parseAddressList(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [DEFAULT_LOCAL_ADDRESS];
  const all = value
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean)
    .flatMap(parseLocalAddress);
  return [...new Set(all)];
}

/** The remote address the relay connects to, inside the target's network namespace. */
export function parseRemoteAddress(value: string | undefined): string {
  if (value === undefined) return DEFAULT_REMOTE_ADDRESS;
  const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  if (bare === 'localhost') return DEFAULT_REMOTE_ADDRESS;
  if (isIP(bare) === 0)
    throw new RemoraError('USAGE', `"${value}" is not an IP address in the target`, {
      hint: 'give a numeric address, e.g. --remote-address 127.0.0.1',
    });
  return bare;
}

export function parseForwardSpec(spec: string, defaultAddresses: string[]): ForwardSpec {
  // An address may be an IPv6 one in brackets: split the ports off the end.
  const match = /^(?:(\[[^\]]*\]|[^:[\]]+):)?(\d*):(\d+)$/.exec(spec) ?? /^()(\d+)()$/.exec(spec);
  if (!match) {
    throw new RemoraError('USAGE', `"${spec}" is not a port to forward`, {
      hint: 'write LOCAL:REMOTE, PORT, :REMOTE or ADDRESS:LOCAL:REMOTE, e.g. 8080:80',
    });
  }
  const [, address, local, remote] = match as unknown as [string, string | undefined, string, string];
  if (remote === '') {
    // `PORT` alone: the same number on both sides.
    const port = portOf(local, spec, 'remote');
    return { localAddresses: defaultAddresses, localPort: port, remotePort: port };
  }
  return {
    localAddresses: address ? parseLocalAddress(address) : defaultAddresses,
    localPort: local === '' ? 0 : portOf(local, spec, 'local'),
    remotePort: portOf(remote, spec, 'remote'),
  };
}

/** `127.0.0.1:8080`, `[::1]:8080`. */
export function formatHostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * Where to forward to for a listening socket of the target (the TUI's `f`): its own
 * address, with the wildcards made the loopback of the same family. Undefined when the
 * socket is not a listening TCP one.
 */
export function forwardTargetOf(socket: {
  protocol: string;
  state: string;
  local: string;
  localPort?: number;
}): { remoteAddress: string; remotePort: number } | undefined {
  if (!socket.protocol.startsWith('tcp') || socket.state !== 'LISTEN' || !socket.localPort) return undefined;
  const address = socket.local.slice(0, socket.local.lastIndexOf(':')).replace(/^\[(.*)\]$/, '$1');
  const remoteAddress = address === '0.0.0.0' || address === '*' ? '127.0.0.1' : address === '::' ? '::1' : address;
  return isIP(remoteAddress) ? { remoteAddress, remotePort: socket.localPort } : undefined;
}
