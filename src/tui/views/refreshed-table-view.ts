// What the Processes and Network views share: a list fetched every 2 s while visible
// (pausable, stopped while the target is not running), shown as a table with a live
// filter and a cursor that stays on its row across refreshes.
import type { Action } from '../keymap.js';
import { PeriodicRefresh } from '../periodic-refresh.js';
import { keepSelection, ListCursor, navigate, renderTable, type Column, type Row } from '../table.js';
import type { View, ViewContext } from '../view.js';

export interface TableNouns {
  /** "process", "socket": for messages. */
  one: string;
  many: string;
}

export abstract class RefreshedTableView<T> implements View {
  abstract readonly id: View['id'];
  protected items: T[] = [];
  protected rows: Row[] = [];
  protected readonly cursor = new ListCursor();
  protected filter = '';
  protected loaded = false;
  protected frozen = false;
  protected readonly refresher: PeriodicRefresh<T[]>;
  protected height = 20;

  constructor(
    protected readonly ctx: ViewContext,
    private readonly nouns: TableNouns,
    private readonly columns: Column[],
    load: (signal: AbortSignal) => Promise<T[]>,
  ) {
    this.refresher = new PeriodicRefresh(
      load,
      (items) => {
        this.items = items;
        this.loaded = true;
        this.rebuild();
        this.refreshed(items);
      },
      (error) => ctx.notify(`${nouns.many}: ${error.message}`, 'error'),
    );
  }

  /** The table's rows for the items, filtered (in the order shown). */
  protected abstract tableRows(items: readonly T[], filter: string): Row[];

  abstract status(): string;

  /** After each refresh, once the rows are rebuilt. */
  protected refreshed(_items: readonly T[]): void {}

  activate(_argument?: unknown): void {
    this.refresher.setActive(true);
  }

  deactivate(): void {
    this.refresher.setActive(false);
  }

  freeze(): void {
    this.frozen = true;
    this.refresher.setFrozen(true);
  }

  thaw(): void {
    this.frozen = false;
    this.refresher.setFrozen(false);
  }

  async dispose(): Promise<void> {
    this.refresher.dispose();
  }

  /** Moving, pause, refresh, filter and back; a view's own actions come first. */
  onAction(action: Action): boolean {
    if (navigate(this.cursor, action, this.rows.length, this.height)) return true;
    switch (action) {
      case 'pause':
        this.refresher.togglePause();
        this.ctx.requestRender();
        return true;
      case 'refresh':
        this.refresher.now();
        return true;
      case 'filter':
        this.ctx.prompt({
          label: `filter ${this.nouns.many}`,
          initial: this.filter,
          onChange: (value) => this.setFilter(value),
          onSubmit: (value) => this.setFilter(value),
          onCancel: () => this.setFilter(''),
        });
        return true;
      case 'back':
        if (this.filter === '') return false;
        this.setFilter('');
        return true;
      default:
        return false;
    }
  }

  render(width: number, height: number): string[] {
    this.height = Math.max(1, height - 1);
    return renderTable({
      columns: this.columns,
      rows: this.rows,
      cursor: this.cursor,
      width,
      height,
      theme: this.ctx.theme,
      empty: !this.loaded ? `loading ${this.nouns.many}…` : this.filter ? `no ${this.nouns.one} matches "${this.filter}"` : `no ${this.nouns.many}`,
    });
  }

  /** The filter and pause parts every status line ends with. */
  protected statusTail(): string[] {
    const parts: string[] = [];
    if (this.filter) parts.push(`filter "${this.filter}"`);
    if (this.refresher.isPaused) parts.push('refresh paused');
    return parts;
  }

  protected setFilter(value: string): void {
    this.filter = value;
    this.rebuild();
  }

  /** Rows again (after a refresh, a sort or a filter), the cursor kept on its row. */
  protected rebuild(): void {
    const selectedKey = this.rows[this.cursor.index]?.key;
    this.rows = this.tableRows(this.items, this.filter);
    keepSelection(this.cursor, this.rows, selectedKey, this.height);
    this.ctx.requestRender();
  }
}
