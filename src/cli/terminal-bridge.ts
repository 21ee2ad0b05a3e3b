// Connects the local terminal to a remote TTY: raw mode, resizes followed, every key
// (Ctrl-C, Ctrl-Z included) sent to the remote side, and the terminal restored on every
// way out (normal end, SIGTERM, SIGHUP, a crash).
import { exitStatusOfSignal } from '../core/exit-status.js';
import type { ExecHandle } from '../engine/types.js';

export interface TerminalSize {
  cols: number;
  rows: number;
}

export function currentSize(): TerminalSize {
  return { cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 };
}

/**
 * `input: false` is docker's `exec -t` without `-i`: a remote TTY for the output, while the
 * local terminal stays as it is (Ctrl-C ends remora) and nothing is forwarded.
 * `until` rejects when the session dies under the command (see session-watch.ts): the
 * engine does not close the exec's stream then, and the terminal must come back anyway.
 */
export async function bridgeTerminal(
  handle: ExecHandle,
  { input = true, until }: { input?: boolean; until?: Promise<never> } = {},
): Promise<number> {
  const stdin = process.stdin;
  const wasRaw = stdin.isTTY ? stdin.isRaw : false;
  const raw = input && stdin.isTTY;
  const restore = (): void => {
    if (raw) stdin.setRawMode(wasRaw);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    restore();
    handle.close();
    process.exit(exitStatusOfSignal(signal));
  };
  const onResize = (): void => {
    const { cols, rows } = currentSize();
    void handle.resize(cols, rows);
  };

  if (raw) stdin.setRawMode(true);
  process.once('exit', restore);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  process.stdout.on('resize', onResize);
  // The exec was created with the size already; this catches a resize during start-up.
  onResize();

  const remoteInput = input ? handle.stdin : null;
  const forward = (chunk: Buffer): void => {
    remoteInput?.write(chunk);
  };
  if (remoteInput) {
    stdin.on('data', forward);
    stdin.resume();
  }
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
