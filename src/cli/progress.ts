// Progress of a long copy on stderr: bytes, rate and ETA on one line redrawn in place.
// Shown only on a terminal, only once the copy has taken more than a moment, never with
// --quiet; gone (the line cleared) when the copy ends.
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
