// Sizes as people read them: one function, two styles chosen by where the size is shown.

/**
 * - `text` ("1.5 KiB", "512 MiB"): in sentences, progress lines and status messages, where
 *   the unit should read unambiguously;
 * - `column` ("1.5K", "883K", "20.0M"): in table cells and the file pager, compact as top
 *   and ls -h print them (one decimal below 100).
 */
export type ByteStyle = 'text' | 'column';

const TEXT_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
const COLUMN_UNITS = ['B', 'K', 'M', 'G', 'T'];

export function formatBytes(bytes: number, style: ByteStyle = 'text'): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  const units = style === 'text' ? TEXT_UNITS : COLUMN_UNITS;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const separator = style === 'text' ? ' ' : '';
  if (unit === 0) return `${value}${separator}${units[0]}`;
  const digits = style === 'text' ? (value < 10 ? 1 : 0) : value < 100 ? 1 : 0;
  return `${value.toFixed(digits)}${separator}${units[unit]}`;
}
