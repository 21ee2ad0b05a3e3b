// ssh:// engines the way the docker CLI reaches them: the system `ssh` runs
// `docker system dial-stdio` on the remote host and HTTP flows over its stdin/stdout, so
// ~/.ssh/config, default keys, the agent, known_hosts and ProxyJump all apply. OpenSSH
// connection multiplexing (a control socket in a directory only this user can enter)
// makes every further connection, of this process or the next, skip the login.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { finishBeforeExit } from '../core/before-exit.js';
import { RemoraError } from '../core/errors.js';
import { sha256Hex } from '../core/fingerprint.js';
import type { Endpoint } from './endpoint.js';
import { PipedSocket } from './piped-socket.js';
import { connectForward, describeForward, setUpForward, type ForwardSsh } from './ssh-forward.js';

/** How long an idle master connection stays for the next request or command. */
const CONTROL_PERSIST = '60s';
/** As the docker CLI passes it: a host that never answers fails rather than hangs. */
const CONNECT_TIMEOUT_SECONDS = 30;
const STDERR_KEPT = 8192;

export interface SshSettings {
  /** Never prompt (passwords, unknown host keys): the default when stdin is not a terminal. */
  batchMode: boolean;
  /** Where the control sockets live; made private (0700) if it is not yet. */
  controlDir: string;
}

/**
 * The settings for this process: batch mode when nobody can answer a prompt (neither stdin
 * nor stderr is a terminal: CI, cron, a pipeline's middle), the control directory by uid.
 * `remora exec T -- cmd < file` typed at a terminal can still be asked for a password.
 */
export function defaultSshSettings(env: NodeJS.ProcessEnv = process.env): SshSettings {
  const uid = process.getuid?.() ?? 0;
  const runtime = env.XDG_RUNTIME_DIR;
  // /tmp rather than TMPDIR: a socket path is limited to ~104 bytes, and macOS's TMPDIR
  // alone takes half of that.
  const controlDir =
    runtime !== undefined && runtime !== ''
      ? join(runtime, 'remora', 'ssh')
      : join(process.platform === 'win32' ? tmpdir() : '/tmp', `remora-ssh-${uid}`);
  const someoneThere = process.stdin.isTTY === true || process.stderr.isTTY === true;
  return { batchMode: !someoneThere, controlDir };
}

/** The ssh command line for one connection to the endpoint's engine. */
export function sshArguments(endpoint: Endpoint, settings: SshSettings): string[] {
  // `--` so that a host written like an option is never read as one.
  return [...sshOptions(endpoint, settings), '--', sshHost(endpoint), 'docker', 'system', 'dial-stdio'];
}

/** ssh's options for the endpoint: its shared control socket, then user and port if given. */
function sshOptions(endpoint: Endpoint, settings: SshSettings): string[] {
  const ssh = endpoint.ssh;
  if (ssh === undefined) throw new Error('sshArguments needs an ssh endpoint');
  // %C alone names the resolved user@host:port: two aliases of one host (one of them with
  // another known_hosts) would share a master, and the second would skip its host key
  // check. The address as written keeps them apart; %C follows a changed HostName.
  const controlPath = join(settings.controlDir, `${controlPrefix(endpoint)}%C`);
  const args = [
    '-o',
    'ControlMaster=auto',
    '-o',
    `ControlPath=${controlPath}`,
    '-o',
    `ControlPersist=${CONTROL_PERSIST}`,
    '-o',
    `ConnectTimeout=${CONNECT_TIMEOUT_SECONDS}`,
    '-T',
  ];
  if (settings.batchMode) args.push('-o', 'BatchMode=yes');
  if (ssh.user !== undefined) args.push('-l', ssh.user);
  if (ssh.port !== undefined) args.push('-p', String(ssh.port));
  return args;
}

function sshHost(endpoint: Endpoint): string {
  return endpoint.ssh?.host ?? '';
}

/** The start of the endpoint's control socket names; ssh's %C ends them. */
function controlPrefix(endpoint: Endpoint): string {
  return `${sha256Hex(endpoint.address).slice(0, 16)}-`;
}

/**
 * Whether a master connection of this endpoint, left by an earlier command, answers on its
 * control socket. Never throws; a directory with none, or several (the host reached under
 * other resolved names), is a "no".
 */
function masterAnswers(endpoint: Endpoint, settings: SshSettings): Promise<boolean> {
  const socket = controlSocket(endpoint, settings);
  if (socket === undefined) return Promise.resolve(false);
  return new Promise((resolve) => {
    const probe = net.connect(socket);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/** The endpoint's control socket, if there is exactly one. */
function controlSocket(endpoint: Endpoint, settings: SshSettings): string | undefined {
  let sockets: string[];
  try {
    sockets = readdirSync(settings.controlDir).filter((name) => name.startsWith(controlPrefix(endpoint)));
  } catch {
    return undefined;
  }
  return sockets.length === 1 ? join(settings.controlDir, sockets[0] as string) : undefined;
}

/** Which master this is: its control socket's inode and change time (a new master makes a new socket). */
function masterIdentity(endpoint: Endpoint, settings: SshSettings): string | undefined {
  const socket = controlSocket(endpoint, settings);
  if (socket === undefined) return undefined;
  try {
    const stat = lstatSync(socket);
    return `${stat.ino}:${stat.ctimeMs}`;
  } catch {
    return undefined;
  }
}

function forwardSsh(endpoint: Endpoint, settings: SshSettings): ForwardSsh {
  return {
    controlDir: settings.controlDir,
    options: sshOptions(endpoint, settings),
    host: sshHost(endpoint),
    masterAnswers: () => masterAnswers(endpoint, settings),
    masterIdentity: () => masterIdentity(endpoint, settings),
    lost: () => sshFailure(endpoint, 255, 'the shared ssh connection ended', true),
  };
}

/** How this process's requests reach an ssh:// engine now (doctor says it). */
export function describeSshTransport(endpoint: Endpoint, settings: SshSettings = defaultSshSettings()): Promise<string> {
  return describeForward(endpoint, forwardSsh(endpoint, settings));
}

/** An http.Agent whose connections are `ssh … docker system dial-stdio` processes. */
export function sshAgent(endpoint: Endpoint, settings: SshSettings = defaultSshSettings()): http.Agent {
  if (endpoint.ssh === undefined) throw new Error('sshAgent needs an ssh endpoint');
  return new SshAgent(endpoint, settings);
}

class SshAgent extends http.Agent {
  /**
   * Settles once the first dial-stdio connection has carried bytes (or failed). Connections
   * opened meanwhile wait for it, so they join the master it made instead of each logging in
   * (and each asking for a password).
   */
  private firstConnection: Promise<void> | undefined;
  /**
   * A connection opened ahead of need, while there is no forward. Opening one costs a
   * remote `docker system dial-stdio` start (~130 ms here), and a command's requests
   * overlap: an exec's stream holds its connection while the exec's inspect, or the upload
   * beside it, needs another. Unused, it ends with remora (its stdin closes, so the remote
   * end stops).
   */
  private spare: SshStdioSocket | undefined;
  /** Whether a master is up (the first connection reached the engine, or an earlier command's answers): spares join it, no login. */
  private masterUp = false;
  /**
   * The master's forward to the engine's socket (ssh-forward.ts): 'unknown' until a
   * connection tried it, 'up' while connections take it, 'none' while they take
   * dial-stdio (then it is set up, once, as soon as a master is there).
   */
  private forward: 'unknown' | 'up' | 'none' = 'unknown';
  private forwardSetUp: Promise<void> | undefined;
  private readonly forwardSsh: ForwardSsh;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly settings: SshSettings,
  ) {
    // `servername: ''`: see endpoint-agent.ts (Node's agent would work one out per request).
    super({ keepAlive: true, servername: '' } as http.AgentOptions);
    this.forwardSsh = forwardSsh(endpoint, settings);
  }

  override createConnection(
    _options: http.ClientRequestArgs,
    callback?: (error: Error | null, socket: Duplex) => void,
  ): Duplex | undefined {
    void this.forwarded().then((socket) => {
      if (socket) callback?.(null, socket);
      else this.openStdio(callback);
    });
    return undefined;
  }

  /** A connection through the forward, when there is one. */
  private async forwarded(): Promise<Duplex | undefined> {
    if (this.forward === 'none') return undefined;
    const socket = await connectForward(this.endpoint, this.forwardSsh);
    // A forward found gone (its master ended) is made again once a new master is up.
    if (!socket && this.forward === 'up') this.forwardSetUp = undefined;
    this.forward = socket ? 'up' : 'none';
    return socket;
  }

  private openStdio(callback?: (error: Error | null, socket: Duplex) => void): void {
    const open = (): void => {
      try {
        const socket = this.takeSpare() ?? this.connect();
        this.firstConnection ??= socket.settled.then(() => {
          this.masterUp = socket.carriedData;
        });
        callback?.(null, socket);
        void this.firstConnection.then(() => this.afterMaster());
      } catch (error) {
        // Node's agent reads only the error when there is one.
        callback?.(error as Error, undefined as unknown as Duplex);
      }
    };
    if (this.firstConnection === undefined) {
      open();
      // With a master already there, the spare and the forward start now, beside the first
      // connection: they join that master too, with no login of their own.
      void masterAnswers(this.endpoint, this.settings).then((up) => {
        if (!up) return;
        this.masterUp = true;
        this.afterMaster();
      });
    } else void this.firstConnection.then(open);
  }

  /** Once a master is up: a spare connection for the next request, and the forward made. */
  private afterMaster(): void {
    if (!this.masterUp) return;
    if (this.forward !== 'up') this.keepSpare();
    if (this.forwardSetUp !== undefined) return;
    this.forwardSetUp = setUpForward(this.endpoint, this.forwardSsh).then((made) => {
      if (made) this.forward = 'up';
    });
    finishBeforeExit(this.forwardSetUp);
  }

  private connect(): SshStdioSocket {
    ensurePrivateDir(this.settings.controlDir);
    return new SshStdioSocket(this.endpoint, spawnSsh(this.endpoint, this.settings), this.settings.batchMode);
  }

  private takeSpare(): SshStdioSocket | undefined {
    const spare = this.spare;
    this.spare = undefined;
    if (spare === undefined || spare.destroyed || spare.readableEnded) return undefined;
    spare.ref();
    return spare;
  }

  private keepSpare(): void {
    if (!this.masterUp || this.spare !== undefined) return;
    try {
      const spare = this.connect();
      // An idle spare neither keeps remora running nor fails a command: it is dropped.
      spare.unref();
      const drop = (): void => {
        if (this.spare === spare) this.spare = undefined;
      };
      spare.on('error', drop).on('close', drop);
      this.spare = spare;
    } catch {
      // Only ever a head start: the next request opens its own connection.
    }
  }
}

/** node:child_process is loaded here, on first use: commands on a local socket never pay for it. */
function spawnSsh(endpoint: Endpoint, settings: SshSettings): ChildProcessWithoutNullStreams {
  const { spawn } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
  return spawn('ssh', sshArguments(endpoint, settings), { stdio: ['pipe', 'pipe', 'pipe'] });
}

/**
 * The control directory: created 0700, and refused when it belongs to someone else (another
 * user's socket there would carry our requests over their connection).
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) {
    throw new RemoraError('PERMISSION_DENIED', `the ssh control directory ${dir} is not a directory of this user`, {
      hint: 'remove it, or set XDG_RUNTIME_DIR to a directory of your own',
    });
  }
  if ((stat.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/** One ssh process seen as a socket: what http writes goes to its stdin, its stdout is read. */
class SshStdioSocket extends PipedSocket {
  /** Resolves at the first byte from the engine or when ssh ends, whichever comes first. */
  readonly settled: Promise<void>;
  /**
   * Time the login may take before the engine's first answer is due: ssh's connect timeout
   * in batch mode; null when ssh may be asking the user something (no deadline then).
   */
  readonly loginAllowanceMs: number | null;
  private stderrTail = '';
  private gotData = false;

  /** Whether the engine has sent anything on it. */
  get carriedData(): boolean {
    return this.gotData;
  }

  constructor(
    private readonly endpoint: Endpoint,
    private readonly child: ChildProcessWithoutNullStreams,
    batchMode: boolean,
  ) {
    super(child.stdout, child.stdin);
    this.loginAllowanceMs = batchMode ? CONNECT_TIMEOUT_SECONDS * 1000 : null;
    let settle!: () => void;
    this.settled = new Promise((resolve) => (settle = resolve));
    child.stdout.once('data', () => {
      this.gotData = true;
      settle();
    });
    // The end of the stream is told by 'close' below: ssh's exit status says whether it is an
    // end or a failure (a refused host key also closes stdout).
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_KEPT);
    });
    // A closed stdin (the remote end went away) is reported by 'exit' below, with ssh's words.
    child.stdin.on('error', () => undefined);
    child.on('error', (error: NodeJS.ErrnoException) => {
      settle();
      this.destroy(sshStartError(endpoint, error));
    });
    child.on('close', (code, signal) => {
      settle();
      if (this.destroyed) return;
      if (code === 0 || signal !== null) {
        // ssh ended cleanly: whatever the engine sent has been read.
        this.push(null);
        return;
      }
      this.destroy(sshFailure(this.endpoint, code ?? 255, this.stderrTail, this.gotData));
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    callback(error);
  }

  setTimeout(_ms: number, callback?: () => void): this {
    if (callback) this.once('timeout', callback);
    return this;
  }
  /** A free keep-alive connection must not keep the process alive. */
  unref(): this {
    this.child.unref();
    for (const pipe of this.pipes()) pipe.unref?.();
    return this;
  }
  ref(): this {
    this.child.ref();
    for (const pipe of this.pipes()) pipe.ref?.();
    return this;
  }

  /** The child's pipes are net.Sockets underneath, which hold the event loop. */
  private pipes(): Array<{ ref?: () => void; unref?: () => void }> {
    return [this.child.stdin, this.child.stdout, this.child.stderr] as unknown as Array<{ ref?: () => void; unref?: () => void }>;
  }
}

function sshStartError(endpoint: Endpoint, error: NodeJS.ErrnoException): RemoraError {
  if (error.code === 'ENOENT') {
    return new RemoraError(
      'ENGINE_UNREACHABLE',
      `cannot reach the container engine at ${endpoint.address}: the ssh client is not installed`,
      {
        hint: 'install OpenSSH (e.g. apt-get install openssh-client), or point --host/--context at a local engine',
        cause: error,
      },
    );
  }
  return new RemoraError(
    'ENGINE_UNREACHABLE',
    `cannot reach the container engine at ${endpoint.address}: ssh could not start (${error.message})`,
    { cause: error },
  );
}

/** ssh's own last words, on one line, with what to do about the usual ones. */
export function sshFailure(endpoint: Endpoint, code: number, stderr: string, afterData: boolean): RemoraError {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^@+$/.test(line) && !line.startsWith('Warning: Permanently added'));
  const last = lines[lines.length - 1] ?? `ssh exited with status ${code}`;
  const all = lines.join('\n');
  let hint: string;
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/i.test(all)) {
    hint = /HAS CHANGED/i.test(all)
      ? "the host's key differs from the one in known_hosts: if the change is expected, remove the old key (ssh-keygen -R HOST) and connect once with ssh"
      : 'connect once with ssh to check and accept the host key';
  } else if (/Permission denied/i.test(last)) {
    hint = 'check that `ssh HOST` logs in without a password prompt (a key in ~/.ssh or an agent)';
  } else if (code === 127 || /command not found|not found/i.test(last)) {
    hint = 'install the docker CLI on the remote host (remora runs `docker system dial-stdio` there)';
  } else {
    hint = 'check that `ssh HOST docker version` works';
  }
  if (afterData) hint = 'check the network and that `ssh HOST` still logs in; a command started there may still be running';
  const ssh = endpoint.ssh ?? { host: 'HOST' };
  // As the user would type them: known_hosts keys a non-default port as [host]:port.
  const knownHostsName = ssh.port === undefined ? ssh.host : `'[${ssh.host}]:${ssh.port}'`;
  const login = `${ssh.port === undefined ? '' : `-p ${ssh.port} `}${ssh.user === undefined ? '' : `${ssh.user}@`}${ssh.host}`;
  const what = afterData
    ? `the ssh connection to the container engine at ${endpoint.address} was lost`
    : `cannot reach the container engine at ${endpoint.address}`;
  return new RemoraError('ENGINE_UNREACHABLE', `${what}: ${last}`, {
    hint: hint.replaceAll('-R HOST', `-R ${knownHostsName}`).replaceAll('HOST', login),
  });
}
