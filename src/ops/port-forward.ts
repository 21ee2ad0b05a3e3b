// Port forwarding through the engine: local listeners, and for each accepted connection one
// exec of the toolkit's remora-relay, which connects out from inside the target's network
// namespace. Bytes travel on the engine connection, so it works over every transport, and
// nothing listens in the target. Connections are independent: one failing ends only itself.
import { createServer, type Server, type Socket } from 'node:net';
import { RemoraError } from '../core/errors.js';
import { END_FRAME, FrameDecoder, encodeFrames } from '../core/relay-frames.js';
import { formatHostPort, type ForwardSpec } from '../core/port-forward-spec.js';
import type { ExecHandle } from '../engine/types.js';
import { readAllBytes } from '../engine/http-client.js';
import type { ToolkitSession } from '../session/toolkit-session.js';

export const RELAY = 'remora-relay';

/** The relay's exit statuses (remora-relay.c). */
const RELAY_CONNECT_FAILED = 2;
const RELAY_RESET = 3;
const RELAY_ABORTED = 4;

export interface ForwardListener {
  address: string;
  localPort: number;
  remotePort: number;
}

export type ForwardEvent =
  | { kind: 'connection'; local: string; remotePort: number }
  | { kind: 'connection-failed'; local: string; remotePort: number; reason: string };

export interface PortForward {
  listeners: ForwardListener[];
  /** Number of connections being relayed now. */
  readonly active: number;
  /** Stops listening, resets every connection, and waits for their relays to be gone. */
  close(): Promise<void>;
}

export interface PortForwardOptions {
  remoteAddress: string;
  onEvent?: (event: ForwardEvent) => void;
}

function listen(spec: ForwardSpec, address: string, port: number, onConnection: (socket: Socket) => void): Promise<Server> {
  // allowHalfOpen: a client that shuts down its sending half still gets the reply.
  const server = createServer({ allowHalfOpen: true, noDelay: true }, onConnection);
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = formatHostPort(address, port);
      if (error.code === 'EADDRINUSE') {
        reject(
          new RemoraError('OPERATION_FAILED', `local port ${where} is already in use`, {
            hint: `pick another local port (LOCAL:${spec.remotePort}), or :${spec.remotePort} for a free one`,
            cause: error,
          }),
        );
      } else if (error.code === 'EACCES') {
        reject(
          new RemoraError('PERMISSION_DENIED', `cannot listen on ${where}: permission denied`, {
            hint: 'ports below 1024 need root locally; pick a higher local port',
            cause: error,
          }),
        );
      } else {
        reject(new RemoraError('OPERATION_FAILED', `cannot listen on ${where}: ${error.message}`, { cause: error }));
      }
    });
    server.listen({ host: address, port, exclusive: true }, () => resolve(server));
  });
}

export async function startPortForward(session: ToolkitSession, specs: ForwardSpec[], options: PortForwardOptions): Promise<PortForward> {
  const servers: Server[] = [];
  const listeners: ForwardListener[] = [];
  const connections = new Set<Promise<void>>();
  const handles = new Set<ExecHandle>();
  const sockets = new Set<Socket>();
  let closing = false;

  const relay = (socket: Socket, remotePort: number): void => {
    if (closing) {
      socket.resetAndDestroy();
      return;
    }
    const local = formatHostPort(socket.remoteAddress ?? '?', socket.remotePort ?? 0);
    sockets.add(socket);
    options.onEvent?.({ kind: 'connection', local, remotePort });
    const done = relayConnection(session, socket, options.remoteAddress, remotePort, handles, () => closing).then((failure) => {
      if (failure && !closing) options.onEvent?.({ kind: 'connection-failed', local, remotePort, reason: failure });
    });
    connections.add(done);
    void done.finally(() => {
      connections.delete(done);
      sockets.delete(socket);
    });
  };

  try {
    for (const spec of specs) {
      // `:REMOTE` with several addresses: the first gets a free port, the others the same one.
      let port = spec.localPort;
      for (const address of spec.localAddresses) {
        let server: Server;
        try {
          server = await listen(spec, address, port, (socket) => relay(socket, spec.remotePort));
        } catch (error) {
          // kubectl's `localhost` is both loopbacks; a machine without IPv6 still forwards.
          if (
            address === '::1' &&
            spec.localAddresses.includes('127.0.0.1') &&
            (error as RemoraError).cause &&
            ((error as RemoraError).cause as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL'
          )
            continue;
          throw error;
        }
        servers.push(server);
        const bound = server.address();
        if (bound && typeof bound === 'object') port = bound.port;
        listeners.push({ address, localPort: port, remotePort: spec.remotePort });
      }
    }
  } catch (error) {
    for (const server of servers) server.close();
    throw error;
  }

  return {
    listeners,
    get active() {
      return connections.size;
    },
    async close() {
      closing = true;
      for (const server of servers) server.close();
      for (const socket of sockets) socket.resetAndDestroy();
      for (const handle of handles) handle.close();
      await Promise.allSettled([...connections]);
    },
  };
}

/**
 * Relays one accepted connection; resolves with why it failed, or undefined when it ended
 * cleanly (both sides closed, or remora closed it).
 */
async function relayConnection(
  session: ToolkitSession,
  socket: Socket,
  remoteAddress: string,
  remotePort: number,
  handles: Set<ExecHandle>,
  closing: () => boolean,
): Promise<string | undefined> {
  socket.pause();
  let handle: ExecHandle;
  try {
    handle = await session.exec({ cmd: [RELAY, remoteAddress, String(remotePort)], stdin: true });
  } catch (error) {
    socket.resetAndDestroy();
    return `could not start the relay in the toolkit: ${(error as Error).message.split('\n')[0]}`;
  }
  handles.add(handle);
  const stdin = handle.stdin!;
  // A local client that resets, or that vanishes, aborts the relay (which resets the remote side).
  let localAborted = false;
  socket.on('error', () => {
    localAborted = true;
    handle.close();
  });
  socket.on('close', () => {
    if (!remoteDone || !localDone) {
      localAborted = true;
      handle.close();
    }
  });
  stdin.on('error', () => socket.destroy());

  // Local → remote: framed; the local FIN becomes the zero frame (stdin itself stays open,
  // since its EOF means "abort" to the relay).
  let localDone = false;
  socket.on('data', (chunk: Buffer) => {
    let writable = true;
    for (const frame of encodeFrames(chunk)) writable = stdin.write(frame) && writable;
    if (!writable) {
      socket.pause();
      stdin.once('drain', () => socket.resume());
    }
  });
  socket.on('end', () => {
    localDone = true;
    stdin.write(END_FRAME);
  });

  // Remote → local: payloads to the socket; the zero frame half-closes it.
  let remoteDone = false;
  const decoder = new FrameDecoder();
  handle.stdout.on('data', (chunk: Buffer) => {
    const { payloads, end } = decoder.push(chunk);
    let writable = true;
    for (const payload of payloads) writable = socket.write(payload) && writable;
    if (!writable) {
      handle.stdout.pause();
      socket.once('drain', () => handle.stdout.resume());
    }
    if (end && !remoteDone) {
      remoteDone = true;
      socket.end();
    }
  });
  const stderr = readAllBytes(handle.stderr).catch(() => Buffer.alloc(0));
  socket.resume();

  let exitCode: number;
  try {
    exitCode = await handle.exitCode;
  } catch (error) {
    exitCode = -1;
    if (!closing() && !localAborted) {
      socket.resetAndDestroy();
      return `the engine connection ended: ${(error as Error).message.split('\n')[0]}`;
    }
  } finally {
    handles.delete(handle);
  }
  const abortedByClient = localAborted;
  const message = (await stderr).toString('utf8').trim().split('\n').pop() ?? '';
  if (exitCode === 0) {
    if (!socket.destroyed) socket.end();
    return undefined;
  }
  socket.resetAndDestroy();
  if (closing() || abortedByClient || exitCode === RELAY_ABORTED) return undefined;
  if (exitCode === 127) return `${RELAY} is not in the toolkit image (port-forward needs Remora's toolkit image)`;
  if (exitCode === RELAY_CONNECT_FAILED || exitCode === RELAY_RESET) return message;
  return message || `the relay failed (status ${exitCode})`;
}
