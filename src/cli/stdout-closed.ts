// A reader that stops reading (`remora ps app | head -1`) closes remora's stdout, and
// writes then fail with EPIPE. That is the reader saying it has enough, not a failure:
// remora stops what it was doing (a remote command too) and exits 141 (128 + SIGPIPE),
// what a shell reports for any `cmd | head` whose cmd was cut short. Never a stack trace.
import { exitStatusOfSignal } from '../core/exit-status.js';

/** The exit status of a command whose stdout was closed under it. */
export const STDOUT_CLOSED_EXIT = exitStatusOfSignal('SIGPIPE');

const CLOSED_CODES = new Set(['EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

let watching = false;
let closed = false;
const listeners = new Set<() => void>();

/** Installs the handlers (once): stdout's EPIPE becomes a stop, stderr's is ignored (nothing can be said there). */
export function watchOutputClosed(): void {
  if (watching) return;
  watching = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (!isClosedOutput(error)) throw error;
    if (closed) return;
    closed = true;
    for (const listener of [...listeners]) listener();
  });
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (!isClosedOutput(error)) throw error;
  });
}

export function stdoutClosed(): boolean {
  return closed;
}

/** Calls `stop` once if stdout closes; returns the unsubscribe. */
export function onStdoutClosed(stop: () => void): () => void {
  if (closed) {
    stop();
    return () => undefined;
  }
  listeners.add(stop);
  return () => listeners.delete(stop);
}

/** Whether an error (or one of its causes) is a write to an output that was closed. */
export function isClosedOutput(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (CLOSED_CODES.has((current as NodeJS.ErrnoException).code ?? '')) return true;
  }
  return false;
}
