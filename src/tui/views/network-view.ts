// The Network view: the target's sockets with their processes (as `remora net`), listening
// ones first, refreshed every 2 s while visible; pausable and filterable.
import { formatSocketRow, isListening, SOCKET_COLUMNS, sortSockets } from '../../core/socket-table.js';
import type { SocketInfo } from '../../core/socket-types.js';
import { fuzzyKeep } from '../fuzzy.js';
import type { Column, Row } from '../table.js';
import { count, type ViewContext } from '../view.js';
import { RefreshedTableView } from './refreshed-table-view.js';

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

export class NetworkView extends RefreshedTableView<SocketInfo> {
  readonly id = 'network' as const;

  constructor(ctx: ViewContext) {
    super(ctx, { one: 'socket', many: 'sockets' }, COLUMNS, (signal) => ctx.data.listSockets(signal));
  }

  protected tableRows(sockets: readonly SocketInfo[], filter: string): Row[] {
    return socketTableRows(sockets, filter);
  }

  status(): string {
    const listening = this.items.filter(isListening).length;
    return [`${count(this.items.length, 'socket', 'sockets')}, ${listening} listening`, ...this.statusTail()].join(' · ');
  }
}
