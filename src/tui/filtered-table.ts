// A table whose rows are made from what a view holds and a filter, with a cursor that stays
// on its row when the rows are made again (a refresh, a new filter, another sort). What the
// Processes, Network and Files views share.
import type { Action } from './keymap.js';
import { keepSelection, ListCursor, navigate, renderTable, type Column, type Row } from './table.js';
import type { Theme } from './theme.js';
import type { ViewContext } from './view.js';

export class FilteredTable {
  private shown: Row[] = [];
  private filterText = '';
  private readonly cursor = new ListCursor();
  /** Body rows at the last render: how far a page moves. */
  private height = 20;

  constructor(
    private readonly columns: readonly Column[],
    /** The rows for the view's current data, filtered, in the order shown. */
    private readonly rowsFor: (filter: string) => Row[],
    /** Called after the rows change. */
    private readonly changed: () => void,
  ) {}

  get rows(): readonly Row[] {
    return this.shown;
  }

  get filter(): string {
    return this.filterText;
  }

  get selectedKey(): string | undefined {
    return this.shown[this.cursor.index]?.key;
  }

  /** Moves the cursor for an up/down/page/home/end action; false for any other action. */
  navigate(action: Action): boolean {
    return navigate(this.cursor, action, this.shown.length, this.height);
  }

  /** Rows again (new data, another sort); the cursor stays on the row it is on if it is still shown. */
  rebuild(): void {
    this.remake(this.selectedKey);
  }

  setFilter(value: string): void {
    const key = this.selectedKey;
    this.filterText = value;
    this.remake(key);
  }

  /** New data in place of the old (another directory): no filter, the cursor on `select` or the first row. */
  reset(select?: string): void {
    this.filterText = '';
    this.cursor.toStart();
    this.remake(select);
  }

  private remake(select: string | undefined): void {
    this.shown = this.rowsFor(this.filterText);
    keepSelection(this.cursor, this.shown, select, this.height);
    this.changed();
  }

  /** Asks for the filter, applying it as it is typed; Esc clears it. */
  promptFilter(ctx: Pick<ViewContext, 'prompt'>, label: string): void {
    ctx.prompt({
      label,
      initial: this.filterText,
      onChange: (value) => this.setFilter(value),
      onSubmit: (value) => this.setFilter(value),
      onCancel: () => this.setFilter(''),
    });
  }

  render(options: { width: number; height: number; theme: Theme; empty: string }): string[] {
    this.height = Math.max(1, options.height - 1);
    return renderTable({ columns: this.columns, rows: this.shown, cursor: this.cursor, ...options });
  }
}
