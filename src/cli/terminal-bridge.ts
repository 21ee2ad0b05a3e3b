// Connects the local terminal to a remote TTY: raw mode, resizes followed, every key
// (Ctrl-C, Ctrl-Z included) sent to the remote side, and the terminal restored on every
// way out (normal end, SIGTERM, SIGHUP, a crash).
import type { ExecHandle } from '../engine/types.js';

export interface TerminalSize {
  cols: number;
  rows: number;
}

export function currentSize(): TerminalSize {
  return { cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 };
}

/**
 * `until` rejects when the session dies under the command (see session-watch.ts): the
 * engine does not close the exec's stream then, and the terminal must come back anyway.
 */
export async function bridgeTerminal(handle: ExecHandle, until?: Promise<never>): Promise<number> {
  const stdin = process.stdin;
  const wasRaw = stdin.isTTY ? stdin.isRaw : false;
  const restore = (): void => {
    if (stdin.isTTY) stdin.setRawMode(wasRaw);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    restore();
    handle.close();
    process.exit(signal === 'SIGHUP' ? 129 : 143);
  };
  const onResize = (): void => {
    const { cols, rows } = currentSize();
    void handle.resize(cols, rows);
  };

  if (stdin.isTTY) stdin.setRawMode(true);
  process.once('exit', restore);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  process.stdout.on('resize', onResize);
  // The exec was created with the size already; this catches a resize during start-up.
  onResize();

  const input = handle.stdin;
  const forward = (chunk: Buffer): void => {
    input?.write(chunk);
  };
  stdin.on('data', forward);
  stdin.resume();
  handle.stdout.pipe(process.stdout, { end: false });
  handle.stderr.pipe(process.stderr, { end: false });
  try {
    return await (until ? Promise.race([handle.exitCode, until]) : handle.exitCode);
  } finally {
    stdin.off('data', forward);
    stdin.pause();
    process.stdout.off('resize', onResize);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('exit', restore);
    restore();
    handle.close();
  }
}
