// The fast way into an ssh:// engine once a master connection is up: the master forwards a
// socket in the private control directory to the remote engine's own socket (`ssh -O
// forward -L`), and each connection to it is one more channel of that login. A connection by
// `docker system dial-stdio` costs a docker CLI start on the remote host (130-150 ms here,
// paid again by every connection a command needs beside its first); a forwarded one costs a
// channel open.
//
// The socket forwarded to is the one the remote docker CLI names (`docker context inspect`,
// run there once per master), so a forward reaches the engine dial-stdio would reach, and an
// engine the remote CLI reaches by tcp:// or ssh:// keeps dial-stdio. A forward is published
// under its final name only after the engine answered a ping through it.
import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { RemoraError } from '../core/errors.js';
import { sha256Hex } from '../core/fingerprint.js';
import type { Endpoint } from './endpoint.js';
import { PipedSocket } from './piped-socket.js';

/** What a forward is set up with: ssh's arguments for this endpoint, and where sockets live. */
export interface ForwardSsh {
  controlDir: string;
  /** ssh's options for the endpoint (control socket, user, port), without the host. */
  options: string[];
  /** The host argument (after `--`). */
  host: string;
  /** Whether the endpoint's master connection answers on its control socket. */
  masterAnswers: () => Promise<boolean>;
  /** Names the running master (undefined without one): a forward refused is not tried again on it. */
  masterIdentity: () => string | undefined;
  /** How the connection's loss is told (ssh's words are those of the master, which is gone). */
  lost: () => RemoraError;
}

/** A remote command or a master request may take this long before the forward is given up. */
const SETUP_TIMEOUT_MS = 10_000;
const PING = 'GET /_ping HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n';

/** The forwarded socket's path: named by the endpoint as written, as the control socket is. */
export function forwardSocketPath(endpoint: Endpoint, controlDir: string): string {
  return join(controlDir, `fwd-${sha256Hex(endpoint.address).slice(0, 16)}.sock`);
}

/**
 * A connection through the endpoint's forward, or undefined when there is none (no socket,
 * or one whose master has gone: that file is removed, the next master makes another).
 */
export function connectForward(endpoint: Endpoint, ssh: ForwardSsh): Promise<Duplex | undefined> {
  const path = forwardSocketPath(endpoint, ssh.controlDir);
  return new Promise((resolve) => {
    const socket = net.connect(path);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(new ForwardedSocket(socket, ssh));
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') rmSync(path, { force: true });
      resolve(undefined);
    });
  });
}

/**
 * The engine the remote docker CLI uses, as `docker context inspect` prints its current
 * context (DOCKER_HOST and DOCKER_CONTEXT there included).
 */
export function contextEngineHost(json: string): string | undefined {
  try {
    const parsed = JSON.parse(json) as Array<{ Endpoints?: { docker?: { Host?: unknown } } }>;
    const host = parsed[0]?.Endpoints?.docker?.Host;
    return typeof host === 'string' ? host : undefined;
  } catch {
    return undefined;
  }
}

/** The socket to forward to: a unix socket's absolute path that ssh's -L can carry. */
export function forwardableSocket(host: string): string | undefined {
  if (!host.startsWith('unix:///')) return undefined;
  const path = host.slice('unix://'.length);
  return /^\/[^\s:]*$/.test(path) ? path : undefined;
}

/** What was made of a master's forward, kept beside its socket. */
interface ForwardRecord {
  /** The master it is about (ForwardSsh.masterIdentity). */
  master: string;
  /** The remote socket forwarded to. */
  forward?: string;
  /** Why there is no forward: its master serves every connection by dial-stdio. */
  refused?: string;
}

/**
 * Sets up the endpoint's forward through its running master. Never throws: false leaves
 * dial-stdio as the way in. A command that ends first waits for it (core/before-exit.ts):
 * the remote CLI's answer would otherwise be cut off with remora, and the next command would
 * start over. A temporary socket name left by a killed remora is removed by the next setup.
 */
export async function setUpForward(endpoint: Endpoint, ssh: ForwardSsh): Promise<boolean> {
  const final = forwardSocketPath(endpoint, ssh.controlDir);
  const temporary = `${final}.${process.pid}.tmp`;
  const master = ssh.masterIdentity();
  if (master === undefined) return false;
  // Where this master cannot have a forward (a remote engine on tcp://, a server refusing
  // socket forwarding), the commands it serves do not each ask again.
  if (readRecord(endpoint, ssh.controlDir)?.master === master) return false;
  const refuse = (why: string): false => {
    writeRecord(endpoint, ssh.controlDir, { master, refused: why });
    return false;
  };
  try {
    removeAbandoned(ssh.controlDir);
    const context = await runSsh([...ssh.options, '-o', 'BatchMode=yes', '--', ssh.host, 'docker', 'context', 'inspect']);
    const host = context.code === 0 ? contextEngineHost(context.stdout) : undefined;
    if (host === undefined) return refuse('`docker context inspect` on the host did not name its engine');
    const remote = forwardableSocket(host);
    if (remote === undefined) return refuse(`the docker CLI on the host reaches its engine at ${host}, not by a unix socket`);
    const spec = `${temporary}:${remote}`;
    if ((await runSsh([...ssh.options, '-O', 'forward', '-L', spec, '--', ssh.host])).code !== 0) return false;
    if (await answersPing(temporary)) {
      renameSync(temporary, final);
      writeRecord(endpoint, ssh.controlDir, { master, forward: remote });
      return true;
    }
    await runSsh([...ssh.options, '-O', 'cancel', '-L', spec, '--', ssh.host]);
    return refuse(`no engine answered through a forward to ${remote} (sshd may refuse it: AllowStreamLocalForwarding)`);
  } catch {
    return false;
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** How connections reach the engine now, in a sentence (for doctor). */
export async function describeForward(endpoint: Endpoint, ssh: ForwardSsh): Promise<string> {
  const record = readRecord(endpoint, ssh.controlDir);
  const current = record !== undefined && record.master === ssh.masterIdentity();
  if (await answersPing(forwardSocketPath(endpoint, ssh.controlDir))) {
    const to = current && record.forward !== undefined ? ` to ${record.forward} on the host` : '';
    return `requests go through the shared connection's forward${to}`;
  }
  const why = current && record.refused !== undefined ? record.refused : 'no forward is set up yet';
  return `each connection starts \`docker system dial-stdio\` on the host: ${why}`;
}

function recordPath(endpoint: Endpoint, controlDir: string): string {
  return `${forwardSocketPath(endpoint, controlDir)}.json`;
}

function readRecord(endpoint: Endpoint, controlDir: string): ForwardRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(recordPath(endpoint, controlDir), 'utf8')) as Partial<ForwardRecord>;
    return typeof record.master === 'string' ? (record as ForwardRecord) : undefined;
  } catch {
    return undefined;
  }
}

function writeRecord(endpoint: Endpoint, controlDir: string, record: ForwardRecord): void {
  try {
    writeFileSync(recordPath(endpoint, controlDir), JSON.stringify(record), { mode: 0o600 });
  } catch {
    // Only saves the next command a question, and doctor a sentence.
  }
}

/** Temporary names of setups whose remora is gone. */
function removeAbandoned(controlDir: string): void {
  for (const name of readdirSync(controlDir)) {
    const pid = /^fwd-[0-9a-f]{16}\.sock\.(\d+)\.tmp$/.exec(name)?.[1];
    if (pid !== undefined && !processExists(Number(pid))) rmSync(join(controlDir, name), { force: true });
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether an engine answers a ping on this socket. */
function answersPing(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(path);
    let answer = '';
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), SETUP_TIMEOUT_MS);
    socket.once('connect', () => socket.write(PING));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) done(/^HTTP\/1\.[01] 200 /.test(answer));
    });
    socket.once('error', () => done(false));
    socket.once('end', () => done(false));
  });
}

/** Runs ssh to its end (or the setup's time limit); output kept, stdin none. */
function runSsh(args: string[]): Promise<{ code: number | null; stdout: string }> {
  const { spawn } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
  return new Promise((resolve) => {
    let stdout = '';
    let child: ChildProcess;
    try {
      child = spawn('ssh', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      resolve({ code: null, stdout });
      return;
    }
    const timer = setTimeout(() => child.kill('SIGTERM'), SETUP_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.once('error', () => undefined);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}

/**
 * A forwarded connection as http sees a socket. Its end is checked: the master ending (a
 * lost network, `ssh -O exit`) closes every channel as if the engine had finished, so an end
 * with no master behind it is told as the lost connection it is.
 */
class ForwardedSocket extends PipedSocket {
  constructor(
    private readonly inner: net.Socket,
    ssh: ForwardSsh,
  ) {
    super(inner, inner);
    inner.once('end', () => {
      void ssh.masterAnswers().then((up) => (up ? this.push(null) : this.destroy(ssh.lost())));
    });
    inner.once('error', (error) => this.destroy(error));
    inner.on('timeout', () => this.emit('timeout'));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.inner.destroy();
    callback(error);
  }

  setTimeout(ms: number, callback?: () => void): this {
    this.inner.setTimeout(ms);
    if (callback) this.once('timeout', callback);
    return this;
  }
  unref(): this {
    this.inner.unref();
    return this;
  }
  ref(): this {
    this.inner.ref();
    return this;
  }
}
