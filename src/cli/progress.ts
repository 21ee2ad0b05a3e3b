// Progress of long steps on stderr, on one line redrawn in place: a copy's bytes, rate and
// ETA (shown only on a terminal, only once the copy has taken more than a moment, never
// with --quiet; gone when the copy ends), and a stand-in's commit.
import { formatCommitProgress, type CommitProgress } from '../core/commit-progress.js';
import { terminalSafe } from '../core/target-text.js';
import { formatProgress } from '../core/transfer-progress.js';

export interface ProgressPrinter {
  onTotal(bytes: number): void;
  onBytes(bytes: number): void;
  /** Clears the line; safe to call more than once. */
  stop(): void;
}

const SHOW_AFTER_MS = 1000;
const REDRAW_MS = 250;

export function progressPrinter(output: NodeJS.WriteStream, enabled: boolean): ProgressPrinter {
  if (!enabled) return { onTotal: () => undefined, onBytes: () => undefined, stop: () => undefined };
  const started = Date.now();
  let total: number | undefined;
  let bytes = 0;
  let shown = false;
  const draw = (): void => {
    if (Date.now() - started < SHOW_AFTER_MS) return;
    shown = true;
    output.write(`\r\x1b[K${formatProgress(bytes, total, Date.now() - started)}`);
  };
  const timer = setInterval(draw, REDRAW_MS);
  timer.unref();
  return {
    onTotal: (n) => {
      total = (total ?? 0) + n;
    },
    onBytes: (n) => {
      bytes += n;
    },
    stop: () => {
      clearInterval(timer);
      if (shown) output.write('\r\x1b[K');
      shown = false;
    },
  };
}

/**
 * A commit of a stand-in's writable layer on a terminal: one line redrawn every second
 * (`committing the writable layer of app (1.5 GiB)… 12s`), left in place at the end. Off a
 * terminal (or with --quiet) undefined: the stand-in then says one line through `say`.
 */
export function commitProgressOnStderr(globals: { quiet?: boolean }): ((progress: CommitProgress) => void) | undefined {
  if (globals.quiet) return () => undefined;
  if (!process.stderr.isTTY) return undefined;
  return (progress) => {
    const line = `\r\x1b[Kremora: ${terminalSafe(formatCommitProgress(progress))}`;
    process.stderr.write(progress.done ? `${line}\n` : line);
  };
}
