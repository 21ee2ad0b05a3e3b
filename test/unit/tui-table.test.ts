// Tables as text: widths, cells fitted by display width, the selection kept in view.
import { describe, expect, it } from 'vitest';
import { keepSelection, layoutColumns, ListCursor, navigate, renderTable, type Column, type Row } from '../../src/tui/table.js';
import { displayWidth, stripTags } from '../../src/tui/text.js';
import { createTheme } from '../../src/tui/theme.js';
import { FilteredTable } from '../../src/tui/filtered-table.js';

const theme = createTheme({});
const columns: Column[] = [{ header: 'PID', width: 5, align: 'right' }, { header: 'USER', width: 6 }, { header: 'NAME' }];
const rows = (names: string[]): Row[] => names.map((name, i) => ({ key: String(i + 1), cells: [String(i + 1), 'root', name] }));

describe('tui table', () => {
  it('gives flexible columns what fixed ones leave, and shrinks fixed ones on narrow screens', () => {
    expect(layoutColumns(columns, 80)).toEqual([5, 6, 67]);
    const narrow = layoutColumns(columns, 20);
    expect(narrow.reduce((a, b) => a + b, 0) + 2).toBe(20);
    expect(narrow[2]).toBeGreaterThanOrEqual(8);
  });

  it('lays out rows of equal width whatever the names hold', () => {
    const lines = renderTable({
      columns,
      rows: rows(['/app', '日本語のプロセス名', 'emoji 🚀 name', 'new\nline', 'x'.repeat(200)]),
      cursor: new ListCursor(),
      width: 40,
      height: 10,
      theme,
    });
    const widths = lines.map((line) => displayWidth(stripTags(line)));
    expect(new Set(widths)).toEqual(new Set([40]));
    expect(stripTags(lines[0] ?? '')).toMatch(/^ {2}PID USER {3}NAME/);
    expect(stripTags(lines[4] ?? '')).toContain('new?line');
  });

  it('marks the selected row and scrolls to keep it visible', () => {
    const cursor = new ListCursor();
    const many = rows(Array.from({ length: 50 }, (_, i) => `p${i}`));
    navigate(cursor, 'pageDown', many.length, 9);
    navigate(cursor, 'pageDown', many.length, 9);
    const lines = renderTable({ columns, rows: many, cursor, width: 30, height: 10, theme });
    expect(lines).toHaveLength(10);
    const selected = lines.filter((l) => l.startsWith('{inverse}'));
    expect(selected).toHaveLength(1);
    expect(stripTags(selected[0] ?? '')).toContain('p16');
    navigate(cursor, 'bottom', many.length, 9);
    expect(cursor.index).toBe(49);
    expect(cursor.top).toBe(41);
  });

  it('follows the selected key across a refresh that reorders rows', () => {
    const cursor = new ListCursor();
    cursor.index = 2;
    const before = rows(['a', 'b', 'c']);
    const after: Row[] = [before[2]!, before[0]!, before[1]!];
    keepSelection(cursor, after, before[2]!.key, 10);
    expect(cursor.index).toBe(0);
    keepSelection(cursor, after.slice(1), 'gone', 10);
    expect(cursor.index).toBe(0);
  });

  it('says why a table is empty', () => {
    const lines = renderTable({
      columns,
      rows: [],
      cursor: new ListCursor(),
      width: 30,
      height: 5,
      theme,
      empty: 'no process matches "x"',
    });
    expect(stripTags(lines[1] ?? '')).toContain('no process matches "x"');
  });
});

describe('FilteredTable', () => {
  function tableOf(initial: string[]) {
    let names = initial;
    let changes = 0;
    const table = new FilteredTable(
      columns,
      (filter): Row[] => names.filter((name) => name.includes(filter)).map((name) => ({ key: name, cells: ['1', 'root', name] })),
      () => changes++,
    );
    return { table, setNames: (next: string[]) => (names = next), changes: () => changes };
  }

  it('keeps the cursor on its row when the rows are made again in another order, or filtered', () => {
    const { table, setNames } = tableOf(['init', 'api', 'worker', 'cron']);
    table.rebuild();
    table.navigate('down');
    table.navigate('down');
    expect(table.selectedKey).toBe('worker');
    setNames(['worker', 'cron', 'init', 'api']);
    table.rebuild();
    expect(table.selectedKey).toBe('worker');
    table.setFilter('r');
    expect(table.rows.map((r) => r.key)).toEqual(['worker', 'cron']);
    expect(table.selectedKey).toBe('worker');
    table.setFilter('cr');
    expect(table.selectedKey).toBe('cron');
  });

  it('pages by the height it was last drawn at, and a reset clears the filter and selects what it is told', () => {
    const { table, setNames, changes } = tableOf(Array.from({ length: 50 }, (_, i) => `p${i}`));
    table.rebuild();
    table.render({ width: 30, height: 6, theme, empty: 'none' });
    table.navigate('pageDown');
    expect(table.selectedKey).toBe('p4');
    table.setFilter('p1');
    setNames(['a', 'b', 'c']);
    table.reset('b');
    expect(table.filter).toBe('');
    expect(table.selectedKey).toBe('b');
    table.reset();
    expect(table.selectedKey).toBe('a');
    // Another directory that also holds the name the cursor was on: a reset still starts at the top.
    table.navigate('down');
    expect(table.selectedKey).toBe('b');
    setNames(['archive', 'b']);
    table.reset();
    expect(table.selectedKey).toBe('archive');
    expect(changes()).toBe(5);
    const drawn = table.render({ width: 30, height: 6, theme, empty: 'none' }).map((line) => stripTags(line).trim().split(/\s+/).at(-1));
    expect(drawn).toEqual(['NAME', 'archive', 'b']);
  });
});
