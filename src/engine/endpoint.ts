// Decides which engine endpoint to talk to, in the docker CLI's order: --context, --host,
// DOCKER_HOST, DOCKER_CONTEXT, currentContext in config.json, then well-known sockets.
// dockerode ignores docker contexts, so this does it; all I/O comes in as parameters.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { RemoraError } from '../core/errors.js';
import { sha256Hex } from '../core/fingerprint.js';

export interface Endpoint {
  kind: 'unix' | 'tcp' | 'ssh' | 'npipe';
  /** As the user would write it: unix:///var/run/docker.sock, tcp://1.2.3.4:2376, ssh://me@host */
  address: string;
  /** Where the choice came from, for error messages: '--context foo', '--host', 'DOCKER_HOST', 'default socket'... */
  source: string;
  /** unix: the socket path; npipe: the pipe path in Windows form (\\.\pipe\docker_engine). */
  socketPath?: string;
  /** tcp / ssh */
  host?: string;
  port?: number;
  /** tcp only; paths are set only for files that exist. */
  tls?: { caPath?: string; certPath?: string; keyPath?: string; verify: boolean };
  ssh?: { user?: string; host: string; port?: number };
}

/** The docker CLI's flags, named as commander hands them over. */
export interface EndpointFlags {
  context?: string | undefined;
  host?: string | undefined;
  /** --tls: TLS without verifying the engine (implied by --tlsverify). */
  tls?: boolean | undefined;
  /** --tlsverify: TLS, verifying the engine's certificate. */
  tlsverify?: boolean | undefined;
  tlscacert?: string | undefined;
  tlscert?: string | undefined;
  tlskey?: string | undefined;
}

export interface EndpointInputs {
  flags: EndpointFlags;
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
  /** Undefined where there are no uids (Windows). */
  uid: number | undefined;
  fileExists(path: string): boolean;
  /** The file's text, or undefined when it does not exist. */
  readFile(path: string): string | undefined;
}

export const DEFAULT_SOCKET = '/var/run/docker.sock';
const DEFAULT_NAMED_PIPE = '//./pipe/docker_engine';
const DEFAULT_CONTEXT = 'default';
const HTTP_PORT = 2375;
const TLS_PORT = 2376;
const HOST_HINT = 'write unix:///path/to/docker.sock, tcp://host:port or ssh://[user@]host[:port]';

type Tls = NonNullable<Endpoint['tls']>;

export function resolveEndpoint(inputs: EndpointInputs): Endpoint {
  if (nonEmpty(inputs.flags.context) !== undefined && nonEmpty(inputs.flags.host) !== undefined) {
    // The docker CLI refuses this pair rather than letting one silently win.
    throw new RemoraError('USAGE', 'conflicting options: cannot specify both --host and --context', {
      hint: 'pass only one of them',
    });
  }
  const context = chooseContext(inputs);
  if (context !== undefined && context.name !== DEFAULT_CONTEXT) {
    const flag = tlsFlagGiven(inputs.flags);
    if (flag !== undefined) {
      // A context carries its own TLS files; a flag that silently did nothing would mislead.
      throw new RemoraError(
        'USAGE',
        `${flag} applies to --host or DOCKER_HOST, not to docker context "${context.name}" (chosen by ${context.source})`,
        {
          hint: 'pass --host with the TLS flags, or store the TLS files in the context (`docker context update`)',
        },
      );
    }
    return contextEndpoint(inputs, context.name, context.source);
  }
  return defaultContextEndpoint(inputs);
}

/** Fills the inputs from this process: its environment, home, uid and the real filesystem. */
export function defaultEndpointInputs(flags: EndpointFlags = {}): EndpointInputs {
  return {
    flags,
    env: process.env,
    homeDir: homedir(),
    uid: process.getuid?.(),
    fileExists: existsSync,
    readFile: readTextFile,
  };
}

/** The context name the docker CLI would pick; undefined when the CLI would use its "default" context. */
function chooseContext(inputs: EndpointInputs): { name: string; source: string } | undefined {
  const { flags, env } = inputs;
  const flag = nonEmpty(flags.context);
  if (flag !== undefined) return { name: flag, source: `--context ${flag}` };
  // An explicit host means "no context", even when DOCKER_CONTEXT or currentContext is set.
  if (nonEmpty(flags.host) !== undefined || nonEmpty(env.DOCKER_HOST) !== undefined) return undefined;
  const fromEnv = nonEmpty(env.DOCKER_CONTEXT);
  if (fromEnv !== undefined) return { name: fromEnv, source: `DOCKER_CONTEXT=${fromEnv}` };
  const configPath = join(configDir(inputs), 'config.json');
  const current = currentContext(inputs, configPath);
  if (current !== undefined) return { name: current, source: `current context "${current}" in ${configPath}` };
  return undefined;
}

function defaultContextEndpoint(inputs: EndpointInputs): Endpoint {
  const flag = nonEmpty(inputs.flags.host);
  if (flag !== undefined) return parseHost(flag, '--host', tlsFromFlagsAndEnv(inputs));
  const fromEnv = nonEmpty(inputs.env.DOCKER_HOST);
  if (fromEnv !== undefined) return parseHost(fromEnv, 'DOCKER_HOST', tlsFromFlagsAndEnv(inputs));
  for (const candidate of socketCandidates(inputs)) {
    if (inputs.fileExists(candidate.path)) return unixEndpoint(candidate.path, candidate.source);
  }
  return unixEndpoint(DEFAULT_SOCKET, 'default');
}

function contextEndpoint(inputs: EndpointInputs, name: string, source: string): Endpoint {
  // The context store names directories by the digest so any context name is a safe path.
  const digest = sha256Hex(name);
  const store = join(configDir(inputs), 'contexts');
  const metaPath = join(store, 'meta', digest, 'meta.json');
  const text = inputs.readFile(metaPath);
  if (text === undefined) {
    throw new RemoraError('ENGINE_UNREACHABLE', `docker context "${name}" does not exist`, {
      hint: 'list contexts with `docker context ls`, or pass --host',
      details: [`chosen by ${source}`],
    });
  }
  let meta: { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } } | null;
  try {
    meta = JSON.parse(text) as typeof meta;
  } catch (error) {
    throw new RemoraError('ENGINE_UNREACHABLE', `docker context "${name}" is unreadable: ${metaPath} is not valid JSON`, {
      hint: 'recreate it with `docker context create`, or pass --host',
      cause: error,
    });
  }
  const docker = meta?.Endpoints?.docker;
  if (docker === undefined || docker === null || typeof docker !== 'object') {
    throw new RemoraError('ENGINE_UNREACHABLE', `docker context "${name}" has no docker endpoint`, {
      hint: 'recreate it with `docker context create --docker host=...`, or pass --host',
    });
  }
  // An empty Host means the engine's default socket to the docker client library.
  const host = typeof docker.Host === 'string' && docker.Host.trim() !== '' ? docker.Host : `unix://${DEFAULT_SOCKET}`;
  const skipVerify = docker.SkipTLSVerify === true;
  const files = tlsFiles(inputs, join(store, 'tls', digest, 'docker'));
  // As in the docker client: TLS when the context carries any TLS material or asks to skip verification.
  const hasFiles = files.caPath !== undefined || files.certPath !== undefined || files.keyPath !== undefined;
  const tls = hasFiles || skipVerify ? { ...files, verify: !skipVerify } : undefined;
  return parseHost(host, source, tls);
}

function currentContext(inputs: EndpointInputs, configPath: string): string | undefined {
  const text = inputs.readFile(configPath);
  if (text === undefined || text.trim() === '') return undefined;
  let config: { currentContext?: unknown } | null;
  try {
    config = JSON.parse(text) as typeof config;
  } catch (error) {
    throw new RemoraError('USAGE', `cannot parse ${configPath}: ${(error as Error).message}`, {
      hint: 'fix the JSON, or point DOCKER_CONFIG at another directory',
      cause: error,
    });
  }
  const current = config?.currentContext;
  return typeof current === 'string' && current !== '' ? current : undefined;
}

/**
 * TLS for --host and DOCKER_HOST, as the docker CLI decides it: --tlsverify (default
 * DOCKER_TLS_VERIFY) implies --tls (default DOCKER_TLS); the files default to ca.pem,
 * cert.pem and key.pem in DOCKER_CERT_PATH (else the config directory), and a default file
 * that is missing is left out, while a file named by a flag must exist.
 */
function tlsFromFlagsAndEnv(inputs: EndpointInputs): Tls | undefined {
  const { env, flags } = inputs;
  // The CLI tests for non-empty, so DOCKER_TLS_VERIFY=0 still means "verify".
  const verify = flags.tlsverify === true || nonEmpty(env.DOCKER_TLS_VERIFY) !== undefined;
  if (!verify && flags.tls !== true && nonEmpty(env.DOCKER_TLS) === undefined) return undefined;
  const dir = nonEmpty(env.DOCKER_CERT_PATH) ?? configDir(inputs);
  const files = tlsFiles(inputs, dir);
  const named: Array<[keyof Omit<Tls, 'verify'>, string, string | undefined]> = [
    ['caPath', '--tlscacert', flags.tlscacert],
    ['certPath', '--tlscert', flags.tlscert],
    ['keyPath', '--tlskey', flags.tlskey],
  ];
  for (const [field, flag, value] of named) {
    const path = nonEmpty(value);
    if (path === undefined) continue;
    if (!inputs.fileExists(path))
      throw new RemoraError('USAGE', `${flag} ${path}: no such file`, { hint: `name the PEM file with ${flag}` });
    files[field] = path;
  }
  return { ...files, verify };
}

/** The first TLS flag given, for the message that refuses it with a context. */
function tlsFlagGiven(flags: EndpointFlags): string | undefined {
  if (flags.tlsverify === true) return '--tlsverify';
  if (flags.tls === true) return '--tls';
  if (nonEmpty(flags.tlscacert) !== undefined) return '--tlscacert';
  if (nonEmpty(flags.tlscert) !== undefined) return '--tlscert';
  if (nonEmpty(flags.tlskey) !== undefined) return '--tlskey';
  return undefined;
}

/** Missing files are left out (as the CLI does for cert and key), so Node falls back to its CA store. */
function tlsFiles(inputs: EndpointInputs, dir: string): Omit<Tls, 'verify'> {
  const files: Omit<Tls, 'verify'> = {};
  const ca = join(dir, 'ca.pem');
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  if (inputs.fileExists(ca)) files.caPath = ca;
  if (inputs.fileExists(cert)) files.certPath = cert;
  if (inputs.fileExists(key)) files.keyPath = key;
  return files;
}

function socketCandidates(inputs: EndpointInputs): Array<{ path: string; source: string }> {
  const runtimeDirs = [nonEmpty(inputs.env.XDG_RUNTIME_DIR), inputs.uid === undefined ? undefined : `/run/user/${inputs.uid}`].filter(
    (dir): dir is string => dir !== undefined,
  );
  const candidates = [
    { path: DEFAULT_SOCKET, source: 'default socket' },
    ...runtimeDirs.map((dir) => ({ path: join(dir, 'docker.sock'), source: 'rootless Docker socket' })),
    { path: join(inputs.homeDir, '.docker', 'run', 'docker.sock'), source: 'Docker Desktop socket' },
    { path: join(inputs.homeDir, '.docker', 'desktop', 'docker.sock'), source: 'Docker Desktop socket' },
    ...runtimeDirs.map((dir) => ({ path: join(dir, 'podman', 'podman.sock'), source: 'rootless Podman socket' })),
    { path: '/run/podman/podman.sock', source: 'Podman socket' },
  ];
  // XDG_RUNTIME_DIR is usually /run/user/<uid>; check each path once.
  return candidates.filter((candidate, index) => candidates.findIndex((other) => other.path === candidate.path) === index);
}

/** Parses a host string the way the docker CLI's opts.ParseHost accepts it. */
function parseHost(raw: string, source: string, tls: Tls | undefined): Endpoint {
  const value = raw.trim();
  const invalid = (why: string, hint = HOST_HINT): RemoraError =>
    new RemoraError('USAGE', `invalid engine address "${value}" (from ${source}): ${why}`, { hint });
  const separator = value.indexOf('://');
  let scheme: string;
  let rest: string;
  if (separator === -1) {
    // Like the docker CLI: a bare path is a unix socket, anything else is host[:port].
    scheme = value.startsWith('/') || value.startsWith('./') ? 'unix' : 'tcp';
    rest = value;
  } else {
    scheme = value.slice(0, separator);
    rest = value.slice(separator + 3);
  }

  switch (scheme) {
    case 'unix': {
      if (rest.includes('://')) throw invalid('a unix address is unix:///path/to/socket');
      return unixEndpoint(rest === '' ? DEFAULT_SOCKET : rest, source);
    }
    case 'npipe': {
      if (rest.includes('://')) throw invalid('a named pipe address is npipe:////./pipe/name');
      const pipe = rest === '' ? DEFAULT_NAMED_PIPE : rest;
      return { kind: 'npipe', address: `npipe://${pipe}`, source, socketPath: pipe.replaceAll('/', '\\') };
    }
    case 'tcp':
      return tcpEndpoint(rest, source, tls, invalid);
    case 'ssh':
      return sshEndpoint(value, source, invalid);
    case 'fd':
      throw invalid(
        'fd:// names sockets a daemon inherits at start-up; a client cannot connect to one',
        'use the socket the daemon listens on, e.g. unix:///var/run/docker.sock',
      );
    default:
      throw invalid(`unknown scheme "${scheme}"`);
  }
}

function tcpEndpoint(rest: string, source: string, tls: Tls | undefined, invalid: (why: string) => RemoraError): Endpoint {
  if (rest === '' || rest.startsWith(':') || rest.startsWith('/')) throw invalid('no host in tcp address');
  let url: URL;
  try {
    url = new URL(`tcp://${rest}`);
  } catch {
    throw invalid('expected host:port with a port from 1 to 65535');
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || (url.pathname !== '' && url.pathname !== '/')) {
    throw invalid('a tcp address is only host:port');
  }
  const port = url.port === '' ? (tls ? TLS_PORT : HTTP_PORT) : Number(url.port);
  if (port === 0) throw invalid('expected host:port with a port from 1 to 65535');
  const endpoint: Endpoint = { kind: 'tcp', address: `tcp://${url.hostname}:${port}`, source, host: unbracket(url.hostname), port };
  if (tls) endpoint.tls = tls;
  return endpoint;
}

function sshEndpoint(value: string, source: string, invalid: (why: string) => RemoraError): Endpoint {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('expected ssh://[user@]host[:port]');
  }
  if (url.password !== '') throw invalid('passwords in ssh addresses are not supported; use an ssh key or agent');
  if (url.hostname === '') throw invalid('no host in ssh address');
  if (url.search !== '' || url.hash !== '') throw invalid('an ssh address takes no query or fragment');
  if (url.pathname !== '' && url.pathname !== '/') throw invalid('a remote socket path in an ssh address is not supported');
  const ssh: NonNullable<Endpoint['ssh']> = { host: unbracket(url.hostname) };
  if (url.username !== '') ssh.user = decodeURIComponent(url.username);
  if (url.port !== '') ssh.port = Number(url.port);
  const endpoint: Endpoint = { kind: 'ssh', address: value, source, host: ssh.host, ssh };
  if (ssh.port !== undefined) endpoint.port = ssh.port;
  return endpoint;
}

function unixEndpoint(socketPath: string, source: string): Endpoint {
  return { kind: 'unix', address: `unix://${socketPath}`, source, socketPath };
}

function configDir(inputs: EndpointInputs): string {
  return nonEmpty(inputs.env.DOCKER_CONFIG) ?? join(inputs.homeDir, '.docker');
}

/** The docker CLI treats an empty variable or flag as unset. */
function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function unbracket(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

function readTextFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new RemoraError(
      code === 'EACCES' || code === 'EPERM' ? 'PERMISSION_DENIED' : 'OPERATION_FAILED',
      `cannot read ${path}: ${code ?? (error as Error).message}`,
      {
        hint: 'check that file, or point DOCKER_CONFIG at another directory',
        cause: error,
      },
    );
  }
}
