// The progress line of a copy (remora cp on stderr, the TUI's status line). Pure.
import { formatBytes } from './bytes.js';
import { formatClock } from './duration.js';

/** "12 MiB / 1.0 GiB  45 MiB/s  ETA 0:21" (no total: no ETA). */
export function formatProgress(bytes: number, total: number | undefined, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? (bytes * 1000) / elapsedMs : 0;
  const parts = [
    total !== undefined && total >= bytes ? `${formatBytes(bytes)} / ${formatBytes(total)}` : formatBytes(bytes),
    `${formatBytes(Math.round(rate))}/s`,
  ];
  if (total !== undefined && total >= bytes && rate > 0) parts.push(`ETA ${formatClock((total - bytes) / rate)}`);
  return parts.join('  ');
}
