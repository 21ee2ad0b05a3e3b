// The Processes view: the target's processes (as `remora ps`), refreshed every 2 s while
// visible (pausable), sorted, filtered, as a tree; Enter for `remora proc`, k for a signal
// after a confirmation naming the process, s to trace it.
import { processName, type ListedProcess } from '../../core/process-table.js';
import type { Action } from '../keymap.js';
import { PeriodicRefresh } from '../periodic-refresh.js';
import { PROCESS_COLUMNS, processTableRows, type ProcessSort } from '../process-rows.js';
import { keepSelection, ListCursor, navigate, renderTable, type Row } from '../table.js';
import { count, type View, type ViewContext } from '../view.js';

/** How soon a listing without %CPU is followed by one with it. */
const CPU_FOLLOW_UP_MS = 500;
const SIGNALS = ['TERM', 'INT', 'HUP', 'QUIT', 'USR1', 'USR2', 'STOP', 'CONT', 'KILL'];

export class ProcessesView implements View {
  readonly id = 'processes' as const;
  private processes: ListedProcess[] = [];
  private rows: Row[] = [];
  private readonly cursor = new ListCursor();
  private sort: ProcessSort = 'cpu';
  private inverted = false;
  private tree = false;
  private filter = '';
  private loaded = false;
  private frozen = false;
  private readonly refresher: PeriodicRefresh<ListedProcess[]>;
  private height = 20;
  private followUp: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: ViewContext) {
    this.refresher = new PeriodicRefresh(
      (signal) => ctx.data.listProcesses(signal),
      (processes) => {
        this.processes = processes;
        this.loaded = true;
        this.rebuild();
        // %CPU not measured yet (a first listing): ask again soon rather than in 2 s.
        if (processes.some((p) => Number.isNaN(p.cpu))) this.followUp = setTimeout(() => this.refresher.now(), CPU_FOLLOW_UP_MS);
      },
      (error) => ctx.notify(`processes: ${error.message}`, 'error'),
    );
  }

  /** The processes of the last refresh (the header shows the main process's user). */
  get current(): readonly ListedProcess[] {
    return this.processes;
  }

  activate(): void {
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
    clearTimeout(this.followUp);
    this.refresher.dispose();
  }

  onAction(action: Action): boolean {
    if (navigate(this.cursor, action, this.rows.length, this.height)) return true;
    const selected = this.selected();
    switch (action) {
      case 'sortCpu':
      case 'sortMemory':
      case 'sortPid':
      case 'sortName':
        this.sort = ({ sortCpu: 'cpu', sortMemory: 'rss', sortPid: 'pid', sortName: 'name' } as const)[action];
        this.inverted = false;
        this.rebuild();
        return true;
      case 'invertSort':
        this.inverted = !this.inverted;
        this.rebuild();
        return true;
      case 'tree':
        this.tree = !this.tree;
        this.rebuild();
        return true;
      case 'pause':
        this.refresher.togglePause();
        this.ctx.requestRender();
        return true;
      case 'refresh':
        this.refresher.now();
        return true;
      case 'filter':
        this.ctx.prompt({
          label: 'filter processes',
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
      case 'details':
        if (!selected) return true;
        this.ctx.openPager(this.ctx.data.processDetails(selected.pid, AbortSignal.timeout(30_000)).then((d) => ({ title: d.title, lines: d.lines })));
        return true;
      case 'signal':
        if (!selected) return true;
        if (this.frozen) {
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
        return false;
    }
  }

  render(width: number, height: number): string[] {
    this.height = Math.max(1, height - 1);
    return renderTable({
      columns: PROCESS_COLUMNS,
      rows: this.rows,
      cursor: this.cursor,
      width,
      height,
      theme: this.ctx.theme,
      empty: !this.loaded ? 'loading processes…' : this.filter ? `no process matches "${this.filter}"` : 'no processes',
    });
  }

  status(): string {
    const parts = [count(this.rows.length, 'process', 'processes', this.filter ? this.processes.length : undefined), `by ${this.sort === 'rss' ? 'memory' : this.sort}${this.inverted ? ' (inverted)' : ''}`];
    if (this.tree) parts.push('tree');
    if (this.filter) parts.push(`filter "${this.filter}"`);
    if (this.refresher.isPaused) parts.push('refresh paused');
    return parts.join(' · ');
  }

  private setFilter(value: string): void {
    this.filter = value;
    this.rebuild();
  }

  private selected(): ListedProcess | undefined {
    const row = this.rows[this.cursor.index];
    return row ? this.processes.find((p) => String(p.pid) === row.key) : undefined;
  }

  private rebuild(): void {
    const selectedKey = this.rows[this.cursor.index]?.key;
    this.rows = processTableRows(this.processes, { sort: this.sort, inverted: this.inverted, tree: this.tree, filter: this.filter });
    keepSelection(this.cursor, this.rows, selectedKey, this.height);
    this.ctx.requestRender();
  }
}
