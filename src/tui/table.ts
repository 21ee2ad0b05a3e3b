// Tables as text: column widths fitted to the screen, cells cut or padded by display width
// (so non-ASCII names keep the columns straight), a selection kept in view while scrolling.
// Every view's body is drawn through here. Pure.
import { cleanText, escapeTags, fit } from './text.js';
import type { StyleName, Theme } from './theme.js';

export interface Column {
  header: string;
  /** Fixed width; a column without one shares the space left over. */
  width?: number;
  /** Smallest width of a flexible column before it is cut. */
  minWidth?: number;
  align?: 'left' | 'right';
}

export type Cell = string | { text: string; style?: StyleName };

export interface Row {
  /** Stable identity (a pid, a file name): the selection follows it across refreshes. */
  key: string;
  cells: Cell[];
  style?: StyleName;
}

/** Widths for the columns: fixed ones as asked (shrunk if they alone overflow), flexible ones share the rest. */
export function layoutColumns(columns: readonly Column[], totalWidth: number): number[] {
  const gaps = Math.max(0, columns.length - 1);
  const flexible = columns.filter((c) => c.width === undefined);
  const fixed = columns.reduce((sum, c) => sum + (c.width ?? 0), 0);
  const minFlex = flexible.reduce((sum, c) => sum + (c.minWidth ?? 8), 0);
  let scale = 1;
  if (fixed + minFlex + gaps > totalWidth && fixed > 0) scale = Math.max(0, totalWidth - minFlex - gaps) / fixed;
  const widths = columns.map((c) => (c.width === undefined ? 0 : Math.max(1, Math.floor(c.width * scale))));
  const used = widths.reduce((a, b) => a + b, 0) + gaps;
  let rest = Math.max(0, totalWidth - used);
  flexible.forEach((column, i) => {
    const index = columns.indexOf(column);
    const share = i === flexible.length - 1 ? rest : Math.floor(rest / (flexible.length - i));
    widths[index] = share;
    rest -= share;
  });
  return widths;
}

function cellText(cell: Cell): string {
  return typeof cell === 'string' ? cell : cell.text;
}

/** One row as markup, exactly `totalWidth` columns wide. */
export function formatRow(cells: readonly Cell[], columns: readonly Column[], widths: readonly number[], theme: Theme): string {
  const parts = columns.map((column, i) => {
    const cell = cells[i] ?? '';
    const text = fit(cleanText(cellText(cell)), widths[i] ?? 0, column.align);
    const style = typeof cell === 'string' ? undefined : cell.style;
    return style ? theme.paint(style, text) : escapeTags(text);
  });
  return parts.join(' ');
}

export function formatHeader(columns: readonly Column[], widths: readonly number[], theme: Theme): string {
  const text = columns.map((c, i) => fit(c.header, widths[i] ?? 0, c.align)).join(' ');
  return theme.paint('heading', text);
}

/** Selection and scroll position of a list; indexes are clamped on every use. */
export class ListCursor {
  index = 0;
  top = 0;

  clamp(length: number, height: number): void {
    if (length <= 0) {
      this.index = 0;
      this.top = 0;
      return;
    }
    this.index = Math.min(Math.max(0, this.index), length - 1);
    const visible = Math.max(1, height);
    if (this.index < this.top) this.top = this.index;
    if (this.index >= this.top + visible) this.top = this.index - visible + 1;
    this.top = Math.min(Math.max(0, this.top), Math.max(0, length - visible));
  }

  move(delta: number, length: number, height: number): void {
    this.index += delta;
    this.clamp(length, height);
  }

  toStart(): void {
    this.index = 0;
    this.top = 0;
  }

  toEnd(length: number, height: number): void {
    this.index = length - 1;
    this.clamp(length, height);
  }
}

/** Moves a cursor for a navigation action; true when the action was one. */
export function navigate(cursor: ListCursor, action: string, length: number, height: number): boolean {
  const page = Math.max(1, height - 1);
  switch (action) {
    case 'up':
      cursor.move(-1, length, height);
      return true;
    case 'down':
      cursor.move(1, length, height);
      return true;
    case 'pageUp':
      cursor.move(-page, length, height);
      return true;
    case 'pageDown':
      cursor.move(page, length, height);
      return true;
    case 'top':
      cursor.toStart();
      return true;
    case 'bottom':
      cursor.toEnd(length, height);
      return true;
    default:
      return false;
  }
}

/** Puts the cursor back on the row with this key after the rows changed (a refresh, a re-sort). */
export function keepSelection(cursor: ListCursor, rows: readonly Row[], key: string | undefined, height: number): void {
  if (key !== undefined) {
    const found = rows.findIndex((r) => r.key === key);
    if (found >= 0) cursor.index = found;
  }
  cursor.clamp(rows.length, height);
}

export interface TableRender {
  columns: readonly Column[];
  rows: readonly Row[];
  cursor: ListCursor;
  width: number;
  /** Lines available, the header line included. */
  height: number;
  theme: Theme;
  /** Shown instead of rows when there are none. */
  empty?: string;
  /** Highlight the selected row (off while a view is not focused). */
  showSelection?: boolean;
}

/** The header and the visible rows, as markup lines. */
export function renderTable(options: TableRender): string[] {
  const { columns, rows, cursor, width, height, theme } = options;
  const widths = layoutColumns(columns, width);
  const bodyHeight = Math.max(0, height - 1);
  cursor.clamp(rows.length, bodyHeight);
  const lines = [formatHeader(columns, widths, theme)];
  if (rows.length === 0) {
    if (options.empty) lines.push(theme.paint('dim', fit(options.empty, width)));
    return lines;
  }
  for (let i = cursor.top; i < Math.min(rows.length, cursor.top + bodyHeight); i++) {
    const row = rows[i] as Row;
    let line = formatRow(row.cells, columns, widths, theme);
    if (row.style) line = theme.wrap(row.style, line);
    if (i === cursor.index && options.showSelection !== false) line = theme.wrap('selected', line);
    lines.push(line);
  }
  return lines;
}
