// Plain-text tables, as `docker ps` aligns them: for the CLI's printers and any text that
// embeds a table (a process's details). Pure.
import { terminalSafe } from './target-text.js';

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
