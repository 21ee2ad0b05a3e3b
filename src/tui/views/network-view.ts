// The Network view: the target's sockets with their processes (as `remora net`), listening
// ones first, refreshed every 2 s while visible; pausable and filterable. `f` on a listening
// TCP socket forwards a local port to it (as `remora port-forward`) until `f` again or quit.
import { forwardTargetOf } from '../../core/port-forward-spec.js';
import { formatSocketRow, isListening, SOCKET_COLUMNS, sortSockets } from '../../core/socket-table.js';
import type { SocketInfo } from '../../core/socket-types.js';
import type { ActiveCapture, ActiveForward } from '../data-source.js';
import { fuzzyKeep } from '../fuzzy.js';
import type { Action } from '../keymap.js';
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
    key: socketKey(s),
    style: isListening(s) ? 'accent' : undefined,
    cells: formatSocketRow(s),
  }));
}

function socketKey(s: SocketInfo): string {
  return `${s.protocol} ${s.local} ${s.peer} ${s.inode}`;
}

export class NetworkView extends RefreshedTableView<SocketInfo> {
  readonly id = 'network' as const;
  /** Running forwards by "address port" in the target; a pending start holds its place. */
  private readonly forwards = new Map<string, ActiveForward | 'starting'>();
  /** The capture to a local file (`c`), its packets so far. */
  private capturing: { run: ActiveCapture | undefined; packets: number; path: string } | undefined;

  constructor(ctx: ViewContext) {
    super(ctx, { one: 'socket', many: 'sockets' }, COLUMNS, (signal) => ctx.data.listSockets(signal));
  }

  protected tableRows(sockets: readonly SocketInfo[], filter: string): Row[] {
    return socketTableRows(sockets, filter);
  }

  /** "127.0.0.1:8080→8080" for each running forward, for the header. */
  get forwardLabels(): string[] {
    return [...this.forwards.values()].flatMap((f) => (f === 'starting' ? [] : [`${f.local}→${f.remotePort}`]));
  }

  /** "capture 12 → app.pcap" while a capture runs, for the header. */
  get captureLabel(): string {
    return this.capturing ? `capture ${this.capturing.packets} → ${this.capturing.path}` : '';
  }

  override onAction(action: Action): boolean {
    if (action === 'capture') return this.toggleCapture();
    if (action !== 'forward') return super.onAction(action);
    const key = this.table.selectedKey;
    const socket = key === undefined ? undefined : this.items.find((s) => socketKey(s) === key);
    if (!socket) return true;
    const to = forwardTargetOf(socket);
    if (!to) {
      this.ctx.notify('f forwards a listening TCP socket (UDP is not forwarded)', 'error');
      return true;
    }
    const id = `${to.remoteAddress} ${to.remotePort}`;
    const running = this.forwards.get(id);
    if (running === 'starting') return true;
    if (running) {
      this.forwards.delete(id);
      void running.stop();
      this.ctx.notify(`stopped forwarding ${running.local} → ${to.remotePort}`);
      return true;
    }
    this.forwards.set(id, 'starting');
    this.ctx.data
      .forward(to.remoteAddress, to.remotePort, (line) => this.ctx.notify(line, 'error'))
      .then(
        (forward) => {
          if (this.forwards.get(id) !== 'starting') return void forward.stop();
          this.forwards.set(id, forward);
          this.ctx.notify(`forwarding ${forward.local} → ${to.remotePort} (f again stops it)`);
          this.ctx.requestRender();
        },
        (error: Error) => {
          this.forwards.delete(id);
          this.ctx.notify(`forward to ${to.remotePort}: ${error.message}`, 'error');
        },
      );
    return true;
  }

  private toggleCapture(): boolean {
    const current = this.capturing;
    if (current) {
      if (current.run) void current.run.stop();
      return true;
    }
    this.ctx.prompt({
      label: 'capture to file',
      initial: 'capture.pcap',
      onSubmit: (path) => {
        if (!path.trim() || this.capturing) return;
        const state: { run: ActiveCapture | undefined; packets: number; path: string } = { run: undefined, packets: 0, path: path.trim() };
        this.capturing = state;
        this.ctx.requestRender();
        this.ctx.data
          .capture(
            state.path,
            (packets) => {
              state.packets = packets;
              this.ctx.requestRender();
            },
            (end) => {
              if (this.capturing === state) this.capturing = undefined;
              if (end instanceof Error) this.ctx.notify(`capture: ${end.message}`, 'error');
              else this.ctx.notify(`${end.packets} packet${end.packets === 1 ? '' : 's'} captured to ${end.path}`);
              this.ctx.requestRender();
            },
          )
          .then(
            (run) => {
              state.run = run;
              // `c` again or quit while it was starting.
              if (this.capturing !== state) void run.stop();
            },
            (error: Error) => {
              if (this.capturing === state) this.capturing = undefined;
              this.ctx.notify(`capture: ${error.message}`, 'error');
            },
          );
      },
    });
    return true;
  }

  /** The target stopped: its toolkit went with it, so the forwards can carry nothing. */
  override freeze(): void {
    super.freeze();
    void this.stopAll();
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    await this.stopAll();
  }

  private async stopAll(): Promise<void> {
    const running = [...this.forwards.values()];
    this.forwards.clear();
    const capture = this.capturing?.run;
    this.capturing = undefined;
    await Promise.all([...running.map((f) => (f === 'starting' ? undefined : f.stop())), capture?.stop()]);
    this.ctx.requestRender();
  }

  status(): string {
    const listening = this.items.filter(isListening).length;
    return [`${count(this.items.length, 'socket', 'sockets')}, ${listening} listening`, ...this.statusTail()].join(' · ');
  }
}
