// Options every command shares, as commander hands them over, and their defaults.
import { RemoraError } from '../core/errors.js';

export interface GlobalOptions {
  context?: string;
  host?: string;
  debug?: boolean;
  profile: string;
  toolkitImage?: string;
  idle: string;
  rm?: boolean;
  ipc?: boolean;
  quiet?: boolean;
  /** Stand-ins mount the original's volumes writable (read-only by default). */
  rwVolumes?: boolean;
}

export const DEFAULT_IDLE = '10m';

/** Parses durations as the docker CLI and kubectl write them: 90s, 10m, 1h, 1h30m, or seconds. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const pattern = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const match of trimmed.matchAll(pattern)) {
    const value = Number(match[1]);
    const unit = match[2];
    total += unit === 'h' ? value * 3600 : unit === 'm' ? value * 60 : unit === 's' ? value : value / 1000;
    consumed += match[0].length;
  }
  if (consumed === 0 || consumed !== trimmed.length) {
    throw new RemoraError('USAGE', `"${text}" is not a duration`, { hint: 'write it like 30s, 10m, 1h or 1h30m' });
  }
  return total;
}
