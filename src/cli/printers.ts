// Output for humans (aligned tables) and for scripts (JSON). No logic here. Cells may come
// from the target, so every one is made terminal-safe (core/target-text.ts).
import { jsonSafe, terminalSafe } from '../core/target-text.js';

export function printJson(value: unknown): void {
  process.stdout.write(`${jsonSafe(JSON.stringify(value, null, 2))}\n`);
}

/** Left-aligned columns separated by two spaces; the last column is never padded. Cells are made terminal-safe. */
export function formatTable(headers: string[], rawRows: string[][]): string {
  const rows = rawRows.map((row) => row.map((cell) => terminalSafe(cell)));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

export function printTable(headers: string[], rows: string[][]): void {
  process.stdout.write(formatTable(headers, rows));
}
