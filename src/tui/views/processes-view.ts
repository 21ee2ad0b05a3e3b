// The Processes view: the target's processes (as `remora ps`), refreshed every 2 s while
// visible (pausable), sorted, filtered, as a tree; Enter for `remora proc`, k for a signal
// after a confirmation naming the process, s to trace it.
import { processName, type ListedProcess } from '../../core/process-table.js';
import type { Action } from '../keymap.js';
import { PROCESS_COLUMNS, processTableRows, type ProcessSort } from '../process-rows.js';
import type { Row } from '../table.js';
import { count, type ViewContext } from '../view.js';
import { RefreshedTableView } from './refreshed-table-view.js';

/** How soon a listing without %CPU is followed by one with it. */
const CPU_FOLLOW_UP_MS = 500;
const SIGNALS = ['TERM', 'INT', 'HUP', 'QUIT', 'USR1', 'USR2', 'STOP', 'CONT', 'KILL'];

export class ProcessesView extends RefreshedTableView<ListedProcess> {
  readonly id = 'processes' as const;
  private sort: ProcessSort = 'cpu';
  private inverted = false;
  private tree = false;

  constructor(ctx: ViewContext) {
    super(ctx, { one: 'process', many: 'processes' }, PROCESS_COLUMNS, (signal) => ctx.data.listProcesses(signal));
  }

  /** The processes of the last refresh (the header shows the main process's user). */
  get current(): readonly ListedProcess[] {
    return this.items;
  }

  protected tableRows(processes: readonly ListedProcess[], filter: string): Row[] {
    return processTableRows(processes, { sort: this.sort, inverted: this.inverted, tree: this.tree, filter });
  }

  protected override refreshed(processes: readonly ListedProcess[]): void {
    // %CPU not measured yet (a first listing): ask again soon rather than in 2 s.
    if (processes.some((p) => Number.isNaN(p.cpu))) this.refresher.soon(CPU_FOLLOW_UP_MS);
  }

  override onAction(action: Action): boolean {
    const selected = this.selected();
    switch (action) {
      case 'sortCpu':
      case 'sortMemory':
      case 'sortPid':
      case 'sortName':
        this.sort = ({ sortCpu: 'cpu', sortMemory: 'rss', sortPid: 'pid', sortName: 'name' } as const)[action];
        this.inverted = false;
        this.table.rebuild();
        return true;
      case 'invertSort':
        this.inverted = !this.inverted;
        this.table.rebuild();
        return true;
      case 'tree':
        this.tree = !this.tree;
        this.table.rebuild();
        return true;
      case 'details':
        if (!selected) return true;
        this.ctx.openPager(
          this.ctx.data.processDetails(selected.pid, AbortSignal.timeout(30_000)).then((d) => ({ title: d.title, lines: d.lines })),
        );
        return true;
      case 'signal':
        if (!selected) return true;
        if (this.ctx.frozen) {
          this.ctx.notify('the target is not running: no signal can be sent', 'error');
          return true;
        }
        this.ctx.choose({
          title: `Send a signal to PID ${selected.pid} (${processName(selected)})? Esc cancels.`,
          choices: SIGNALS.map((s) => ({ label: `SIG${s}`, value: s })),
          onChoose: (signal) => {
            this.ctx.data.sendSignal(selected.pid, signal).then(
              () => {
                this.ctx.notify(`sent SIG${signal} to ${selected.pid} (${processName(selected)})`);
                this.refresher.now();
              },
              (error: Error) => this.ctx.notify(`signal: ${error.message}`, 'error'),
            );
          },
        });
        return true;
      case 'trace':
        if (!selected) return true;
        this.ctx.show('trace', { pids: [selected.pid], label: `${selected.pid} ${processName(selected)}` });
        return true;
      default:
        return super.onAction(action);
    }
  }

  status(): string {
    const parts = [
      count(this.table.rows.length, 'process', 'processes', this.table.filter ? this.items.length : undefined),
      `by ${this.sort === 'rss' ? 'memory' : this.sort}${this.inverted ? ' (inverted)' : ''}`,
    ];
    if (this.tree) parts.push('tree');
    return [...parts, ...this.statusTail()].join(' · ');
  }

  private selected(): ListedProcess | undefined {
    const key = this.table.selectedKey;
    return key === undefined ? undefined : this.items.find((p) => String(p.pid) === key);
  }
}
