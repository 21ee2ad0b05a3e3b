// The Network view: the target's sockets with their processes (as `remora net`), listening
// ones first, refreshed every 2 s while visible; pausable and filterable.
import { formatSocketRow, isListening, SOCKET_COLUMNS, sortSockets } from '../../core/socket-table.js';
import type { SocketInfo } from '../../core/socket-types.js';
import { fuzzyKeep } from '../fuzzy.js';
import type { Action } from '../keymap.js';
import { PeriodicRefresh } from '../periodic-refresh.js';
import { keepSelection, ListCursor, navigate, renderTable, type Column, type Row } from '../table.js';
import { count, type View, type ViewContext } from '../view.js';

// `remora net`'s columns (core/socket-table.ts), fitted to the screen.
const COLUMNS: Column[] = [
  { header: SOCKET_COLUMNS[0], width: 8 },
  { header: SOCKET_COLUMNS[1], width: 10 },
  { header: SOCKET_COLUMNS[2], width: 21 },
  { header: SOCKET_COLUMNS[3], width: 21 },
  { header: SOCKET_COLUMNS[4], width: 5, align: 'right' },
  { header: SOCKET_COLUMNS[5], minWidth: 8 },
];

/** Sockets in `remora net`'s order and cells (listening first), filtered. */
export function socketTableRows(sockets: readonly SocketInfo[], filter: string): Row[] {
  return fuzzyKeep(sortSockets(sockets), filter, (s) => formatSocketRow(s).join(' ')).map((s) => ({
    key: `${s.protocol} ${s.local} ${s.peer} ${s.inode}`,
    style: isListening(s) ? 'accent' : undefined,
    cells: formatSocketRow(s),
  }));
}

export class NetworkView implements View {
  readonly id = 'network' as const;
  private sockets: SocketInfo[] = [];
  private rows: Row[] = [];
  private readonly cursor = new ListCursor();
  private filter = '';
  private loaded = false;
  private readonly refresher: PeriodicRefresh<SocketInfo[]>;
  private height = 20;

  constructor(private readonly ctx: ViewContext) {
    this.refresher = new PeriodicRefresh(
      (signal) => ctx.data.listSockets(signal),
      (sockets) => {
        this.sockets = sockets;
        this.loaded = true;
        this.rebuild();
      },
      (error) => ctx.notify(`sockets: ${error.message}`, 'error'),
    );
  }

  activate(): void {
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
        this.ctx.prompt({ label: 'filter sockets', initial: this.filter, onChange: (v) => this.setFilter(v), onSubmit: (v) => this.setFilter(v), onCancel: () => this.setFilter('') });
        return true;
      case 'back':
        if (!this.filter) return false;
        this.setFilter('');
        return true;
      default:
        return false;
    }
  }

  render(width: number, height: number): string[] {
    this.height = Math.max(1, height - 1);
    return renderTable({
      columns: COLUMNS,
      rows: this.rows,
      cursor: this.cursor,
      width,
      height,
      theme: this.ctx.theme,
      empty: !this.loaded ? 'loading sockets…' : this.filter ? `no socket matches "${this.filter}"` : 'no sockets',
    });
  }

  status(): string {
    const listening = this.sockets.filter(isListening).length;
    const parts = [`${count(this.sockets.length, 'socket', 'sockets')}, ${listening} listening`];
    if (this.filter) parts.push(`filter "${this.filter}"`);
    if (this.refresher.isPaused) parts.push('refresh paused');
    return parts.join(' · ');
  }

  private setFilter(value: string): void {
    this.filter = value;
    this.rebuild();
  }

  private rebuild(): void {
    const key = this.rows[this.cursor.index]?.key;
    this.rows = socketTableRows(this.sockets, this.filter);
    keepSelection(this.cursor, this.rows, key, this.height);
    this.ctx.requestRender();
  }
}
