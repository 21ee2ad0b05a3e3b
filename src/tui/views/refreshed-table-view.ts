// What the Processes and Network views share: a list fetched every 2 s while visible
// (pausable, stopped while the target is not running), shown as a table with a live
// filter and a cursor that stays on its row across refreshes.
import { RemoraError } from '../../core/errors.js';
import type { Action } from '../keymap.js';
import { escapeTags, fit } from '../text.js';
import { PeriodicRefresh } from '../periodic-refresh.js';
import { FilteredTable } from '../filtered-table.js';
import type { Column, Row } from '../table.js';
import type { View, ViewContext } from '../view.js';

interface TableNouns {
  /** "process", "socket": for messages. */
  one: string;
  many: string;
}

export abstract class RefreshedTableView<T> implements View {
  abstract readonly id: View['id'];
  protected items: T[] = [];
  protected loaded = false;
  /** Why there is nothing to list at all (no process runs), shown in place of the table's rows. */
  protected unavailable: string[] | undefined;
  protected readonly refresher: PeriodicRefresh<T[]>;
  protected readonly table: FilteredTable;

  constructor(
    protected readonly ctx: ViewContext,
    private readonly nouns: TableNouns,
    columns: Column[],
    load: (signal: AbortSignal) => Promise<T[]>,
  ) {
    this.table = new FilteredTable(
      columns,
      (filter) => this.tableRows(this.items, filter),
      () => ctx.requestRender(),
    );
    this.refresher = new PeriodicRefresh(
      load,
      (items) => {
        this.items = items;
        this.loaded = true;
        this.table.rebuild();
        this.refreshed(items);
      },
      (error) => {
        // No process to list (an exited target, seen through a stand-in): the view says so
        // in its body, with the way forward, rather than flashing an error every refresh.
        if (error instanceof RemoraError && error.code === 'TARGET_NOT_RUNNING') {
          this.unavailable = error.hint ? [error.message, error.hint] : [error.message];
          this.items = [];
          this.loaded = true;
          this.table.rebuild();
          ctx.requestRender();
          return;
        }
        ctx.notify(`${nouns.many}: ${error.message}`, 'error');
      },
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
    this.refresher.setFrozen(true);
  }

  thaw(): void {
    this.refresher.setFrozen(false);
  }

  async dispose(): Promise<void> {
    this.refresher.dispose();
  }

  /** Moving, pause, refresh, filter and back; a view's own actions come first. */
  onAction(action: Action): boolean {
    if (this.table.navigate(action)) return true;
    switch (action) {
      case 'pause':
        this.refresher.togglePause();
        this.ctx.requestRender();
        return true;
      case 'refresh':
        this.refresher.now();
        return true;
      case 'filter':
        this.table.promptFilter(this.ctx, `filter ${this.nouns.many}`);
        return true;
      case 'back':
        if (this.table.filter === '') return false;
        this.table.setFilter('');
        return true;
      default:
        return false;
    }
  }

  render(width: number, height: number): string[] {
    const { one, many } = this.nouns;
    const filter = this.table.filter;
    if (this.unavailable) return this.unavailable.map((line) => this.ctx.theme.paint('dim', escapeTags(fit(line, width))));
    const empty = !this.loaded ? `loading ${many}…` : filter ? `no ${one} matches "${filter}"` : `no ${many}`;
    return this.table.render({ width, height, theme: this.ctx.theme, empty });
  }

  /** The filter and pause parts every status line ends with. */
  protected statusTail(): string[] {
    const parts: string[] = [];
    if (this.table.filter) parts.push(`filter "${this.table.filter}"`);
    if (this.refresher.isPaused) parts.push('refresh paused');
    return parts;
  }
}
