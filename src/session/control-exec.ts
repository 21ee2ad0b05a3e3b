// Commands run through a shared session's control socket (toolkit-image/helpers/remora-serve.c)
// instead of an engine exec: on a local engine, a fork in the toolkit instead of ~50 ms of
// runc and shim work per command. The same ExecHandle as the engine's, so callers cannot
// tell the two apart; the socket is only tried where it can serve (no tty, no --user), and
// a socket that does not answer the connect sends the caller back to the engine.
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { demultiplex } from '../engine/demux.js';
import type { ExecHandle, ExecOptions } from '../engine/types.js';

const PROTOCOL = 'remora-serve/1';
const STREAM_STDIN = 0;
const STREAM_EXIT = 3;
/** The largest stdin frame the server takes (its CHUNK). */
const MAX_STDIN_FRAME = 64 * 1024;
/** A command whose server vanished (the toolkit or its target died) reads as killed, as an engine exec then does. */
const KILLED_STATUS = 128 + 9;

/** Whether a command can go through the control socket: the server runs commands as the toolkit's root, with no terminal. */
export function controlCanRun(options: ExecOptions): boolean {
  return options.user === undefined && options.tty !== true && options.workingDir === undefined;
}

/** The request: NUL-terminated fields after a big-endian length (see remora-serve.c). */
export function encodeControlRequest(options: Pick<ExecOptions, 'cmd' | 'env' | 'stdin'> | 'stop'): Buffer {
  const fields =
    options === 'stop'
      ? [PROTOCOL, 'stop', '0']
      : [PROTOCOL, options.stdin ? 'stdin' : '', String(options.cmd.length), ...options.cmd, ...(options.env ?? [])];
  const body = Buffer.from(fields.map((field) => `${field}\0`).join(''), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

function frame(stream: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return payload.length === 0 ? header : Buffer.concat([header, payload]);
}

/**
 * Runs a command through the socket at `socketPath`; undefined when nothing listens there
 * (no such socket, its server gone, not ours to use), so the caller asks the engine.
 */
export async function execThroughControl(socketPath: string, options: ExecOptions): Promise<ExecHandle | undefined> {
  const socket = await connected(socketPath);
  if (!socket) return undefined;
  socket.write(encodeControlRequest(options));

  let status: number | undefined;
  const { stdout, stderr, done } = demultiplex(socket, Buffer.alloc(0), (stream, payload) => {
    if (stream !== STREAM_EXIT) return;
    status = payload.readUInt32BE(0);
    // The server reads on until this side closes (what stdin the command left unread).
    socket.end();
  });
  let detached = false;
  const exitCode = done.then(() => (detached ? -1 : (status ?? KILLED_STATUS)));
  return {
    stdout,
    stderr,
    stdin: options.stdin ? stdinWriter(socket) : null,
    resize: async () => undefined,
    exitCode,
    close: () => socket.destroy(),
    detach: () => {
      detached = true;
      socket.destroy();
    },
  };
}

/** How long a stop may take: the server gives its commands 3 s. */
const STOP_TIMEOUT_MS = 4000;

/**
 * Ends every command the session's server runs and waits until they are reaped (see
 * stop_all in remora-serve.c), before the toolkit is removed; nothing to do when no
 * server answers.
 */
export async function stopControlCommands(socketPath: string): Promise<void> {
  const socket = await connected(socketPath);
  if (!socket) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => socket.destroy(), STOP_TIMEOUT_MS);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.on('error', () => undefined);
    socket.resume();
    socket.end(encodeControlRequest('stop'));
  });
}

/** The socket once connected, or undefined when the server cannot be reached. */
function connected(socketPath: string): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', () => resolve(undefined));
  });
}

/** The command's stdin: written as frames of at most 64 KiB, ended by an empty one (EOF). */
function stdinWriter(socket: Socket): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      // The command is done (its status came, and this side was ended): what it did not
      // read is dropped, as the engine drops it.
      if (socket.destroyed || socket.writableEnded) return callback();
      let flushed = true;
      for (let at = 0; at < chunk.length; at += MAX_STDIN_FRAME) {
        flushed = socket.write(frame(STREAM_STDIN, chunk.subarray(at, at + MAX_STDIN_FRAME)));
      }
      if (flushed || socket.destroyed) callback();
      else socket.once('drain', () => callback());
    },
    final(callback) {
      if (!socket.destroyed && !socket.writableEnded) socket.write(frame(STREAM_STDIN, Buffer.alloc(0)));
      callback();
    },
  });
}
