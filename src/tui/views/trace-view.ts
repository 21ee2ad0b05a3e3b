// The Trace view: a live strace of the chosen processes, one event per line (time, pid,
// call, arguments, result), failures standing out. One trace at a time: choosing another
// process stops the running trace before the next one starts. Filter, pause, counts, save.
import { splitSyscallArgs, type SyscallClass } from '../../core/strace-parser.js';
import type { PagerContent } from '../pager.js';
import type { Stoppable } from '../data-source.js';
import type { Action } from '../keymap.js';
import { ListCursor, navigate, renderTable, type Column, type Row } from '../table.js';
import { FollowCursor } from '../follow-cursor.js';
import { LatestTask } from '../latest-task.js';
import { fit } from '../text.js';
import {
  describeEvent,
  formatEventTime,
  parseTraceFilter,
  TRACE_CLASSES,
  TraceLog,
  type TraceFilter,
  type TraceLine,
} from '../trace-log.js';
import { count, type View, type ViewContext } from '../view.js';

/** What the Trace view traces (not a target: processes of the attached one), and how it is titled. */
export interface TraceSelection {
  /** Empty: the target's main process with its threads and children. */
  pids: number[];
  label: string;
}

const EVENT_COLUMNS: Column[] = [
  { header: 'TIME', width: 15 },
  { header: 'PID', width: 6, align: 'right' },
  { header: 'CALL = RESULT', minWidth: 20 },
];

const COUNT_COLUMNS: Column[] = [
  { header: 'SYSCALL', width: 22 },
  { header: 'CLASS', width: 8 },
  { header: 'CALLS', width: 9, align: 'right' },
  { header: 'ERRORS', width: 8, align: 'right' },
  { header: '%', width: 5, align: 'right' },
];

/** One event in full: strace's own line(s), then what was read from them. */
function eventPager(line: TraceLine): PagerContent {
  const e = line.event;
  const fields: Array<[string, string | number | undefined]> = [
    ['time', e.time],
    ['pid', e.pid],
    ['syscall', e.syscall],
    ['class', line.cls],
    ['result', e.result],
    ['errno', e.errno ? `${e.errno} (${e.errnoText ?? ''})` : undefined],
    ['duration', e.duration === undefined ? undefined : `${e.duration.toFixed(6)} s`],
    ['signal', e.signal],
    ['exit code', e.exitCode],
  ];
  const args = e.args === undefined ? [] : ['', 'arguments', ...splitSyscallArgs(e.args).map((a, i) => `  ${i + 1}. ${a}`)];
  return {
    title: e.syscall ? `${e.syscall} by ${e.pid ?? '?'}` : describeEvent(e),
    lines: [
      ...e.raw.split('\n'),
      '',
      ...fields.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${k.padEnd(10)} ${v}`),
      ...args,
    ],
  };
}

function isTraceSelection(value: unknown): value is TraceSelection {
  return typeof value === 'object' && value !== null && Array.isArray((value as TraceSelection).pids);
}

export class TraceView implements View {
  readonly id = 'trace' as const;
  private readonly log: TraceLog;
  private target: TraceSelection | undefined;
  private handle: Stoppable | undefined;
  private readonly task = new LatestTask({ serial: true });
  private state: 'idle' | 'starting' | 'running' | 'stopped' = 'idle';
  private ended: string | undefined;
  private filterText = '';
  private filter: TraceFilter = { names: [], classes: [] };
  private cls: SyscallClass | undefined;
  private showCounts = false;
  private readonly scroll = new FollowCursor();
  private readonly countsCursor = new ListCursor();
  private shown: TraceLine[] = [];
  private countRows = 0;
  private height = 20;

  constructor(
    private readonly ctx: ViewContext & { saveFile(path: string, text: string): Promise<void> },
    capacity?: number,
  ) {
    this.log = new TraceLog(capacity);
  }

  get tracing(): TraceSelection | undefined {
    return this.state === 'running' || this.state === 'starting' ? this.target : undefined;
  }

  activate(argument?: unknown): void {
    if (isTraceSelection(argument) && !this.ctx.frozen) this.start(argument);
  }

  deactivate(): void {
    // The trace keeps collecting while another view is shown.
  }

  freeze(): void {
    void this.stop('the target stopped');
  }

  thaw(): void {}

  async dispose(): Promise<void> {
    await this.stop('stopped');
  }

  onAction(action: Action): boolean {
    if (this.showCounts) {
      if (navigate(this.countsCursor, action, this.countRows, this.height)) return true;
    } else if (this.scroll.move(action, this.shown, this.height)) {
      this.ctx.requestRender();
      return true;
    }
    switch (action) {
      case 'details': {
        const { selected } = this.scroll.window(this.shown, this.height);
        const line = this.shown[selected >= 0 ? selected : this.shown.length - 1];
        if (line && !this.showCounts) this.ctx.openPager(eventPager(line));
        return true;
      }
      case 'pause':
        this.log.setPaused(!this.log.isPaused);
        this.ctx.requestRender();
        return true;
      case 'counts':
        this.showCounts = !this.showCounts;
        this.ctx.requestRender();
        return true;
      case 'classFilter': {
        const at = this.cls === undefined ? -1 : TRACE_CLASSES.indexOf(this.cls);
        this.cls = at + 1 < TRACE_CLASSES.length ? TRACE_CLASSES[at + 1] : undefined;
        this.ctx.requestRender();
        return true;
      }
      case 'filter':
        this.ctx.prompt({
          label: 'filter syscalls (names or classes: file network process memory signal ipc time)',
          initial: this.filterText,
          onChange: (v) => this.setFilter(v),
          onSubmit: (v) => this.setFilter(v),
          onCancel: () => this.setFilter(''),
        });
        return true;
      case 'back':
        if (this.showCounts) this.showCounts = false;
        else if (this.filterText || this.cls) {
          this.setFilter('');
          this.cls = undefined;
        } else return false;
        this.ctx.requestRender();
        return true;
      case 'stopTrace':
        if (this.state === 'running' || this.state === 'starting') void this.stop('stopped');
        else if (this.ctx.frozen) this.ctx.notify('the target is not running: nothing to trace', 'error');
        else this.start(this.target ?? { pids: [], label: 'the main process' });
        return true;
      case 'save':
        this.ctx.prompt({
          label: 'write the lines shown to',
          initial: `${this.ctx.cwd.replace(/\/$/, '')}/remora-trace.txt`,
          onSubmit: (path) => {
            const text = this.textShown();
            this.ctx.saveFile(path, text).then(
              () => this.ctx.notify(`wrote ${text === '' ? 0 : text.split('\n').length - 1} lines to ${path}`),
              (error: Error) => this.ctx.notify(`save: ${error.message}`, 'error'),
            );
          },
        });
        return true;
      default:
        return false;
    }
  }

  render(width: number, height: number): string[] {
    const theme = this.ctx.theme;
    const head = [this.headline(width)];
    const bodyHeight = Math.max(1, height - head.length);
    this.height = Math.max(1, bodyHeight - 1);
    if (!this.target) {
      return [
        ...head,
        '',
        theme.paint('dim', fit('  Nothing traced yet.', width)),
        theme.paint('dim', fit('  In Processes (1), select a process and press s to trace it;', width)),
        theme.paint('dim', fit('  or press s here to trace the main process with its threads and children.', width)),
      ];
    }
    if (this.showCounts) {
      const counts = this.log.countsBySyscall();
      const total = counts.reduce((sum, c) => sum + c.calls, 0) || 1;
      this.countRows = counts.length;
      const rows: Row[] = counts.map((c) => ({
        key: c.syscall,
        style: c.errors > 0 ? 'warning' : undefined,
        cells: [c.syscall, c.cls, String(c.calls), String(c.errors), ((c.calls / total) * 100).toFixed(1)],
      }));
      return [
        ...head,
        ...renderTable({
          columns: COUNT_COLUMNS,
          rows,
          cursor: this.countsCursor,
          width,
          height: bodyHeight,
          theme,
          empty: 'no syscalls yet',
        }),
      ];
    }
    this.shown = this.log.lines(this.filter, this.cls);
    // Only the visible window becomes rows: the ring may hold tens of thousands of lines.
    const { from, to, selected } = this.scroll.window(this.shown, this.height);
    const rows: Row[] = this.shown.slice(from, to).map((line) => ({
      key: String(line.seq),
      style: line.failed ? 'error' : line.event.kind === 'signal' ? 'warning' : line.event.kind === 'syscall' ? undefined : 'dim',
      cells: [formatEventTime(line.event.time), line.event.pid === undefined ? '' : String(line.event.pid), describeEvent(line.event)],
    }));
    const windowCursor = new ListCursor();
    windowCursor.index = Math.max(0, selected - from);
    const table = renderTable({
      columns: EVENT_COLUMNS,
      rows,
      cursor: windowCursor,
      width,
      height: bodyHeight,
      theme,
      showSelection: selected >= 0,
      empty:
        this.state === 'starting'
          ? 'attaching strace…'
          : this.filterText || this.cls
            ? 'no event matches the filter'
            : 'waiting for syscalls…',
    });
    return [...head, ...table];
  }

  status(): string {
    const parts = [count(this.log.received, 'event', 'events'), `${this.log.held} kept`];
    if (this.filterText) parts.push(`filter "${this.filterText}"`);
    if (this.cls) parts.push(`class ${this.cls}`);
    if (this.log.isPaused) parts.push(`paused (${this.log.skippedWhilePaused} not shown)`);
    if (!this.scroll.isFollowing && !this.showCounts) parts.push('scrolled (End follows)');
    return parts.join(' · ');
  }

  private headline(width: number): string {
    const theme = this.ctx.theme;
    if (!this.target) return theme.paint('title', fit('strace', width));
    const what = `strace ${this.target.label}`;
    const state =
      this.state === 'running'
        ? theme.paint('good', ' ● tracing')
        : this.state === 'starting'
          ? theme.paint('dim', ' attaching…')
          : theme.paint('warning', ` ■ ${this.ended ?? 'stopped'} (s traces again)`);
    return theme.paint('title', what) + state + (this.showCounts ? theme.paint('accent', '  counts by syscall') : '');
  }

  private setFilter(text: string): void {
    this.filterText = text;
    this.filter = parseTraceFilter(text);
    this.ctx.requestRender();
  }

  private textShown(): string {
    return this.log
      .lines(this.filter, this.cls)
      .map((l) => `${formatEventTime(l.event.time)} ${l.event.pid ?? ''} ${describeEvent(l.event)}\n`)
      .join('');
  }

  private start(target: TraceSelection): void {
    this.target = target;
    this.log.clear();
    this.scroll.follow();
    this.ended = undefined;
    this.state = 'starting';
    this.ctx.requestRender();
    // A serial task: the previous trace has fully detached (ptrace allows one tracer) before
    // the next one attaches, and a superseded start never attaches at all.
    void this.task
      .run(async (signal) => {
        await this.stopHandle();
        if (signal.aborted) return;
        try {
          const handle = await this.ctx.data.trace(
            target.pids,
            (events) => {
              if (signal.aborted) return;
              this.log.add(events);
              this.ctx.requestRender();
            },
            (error) => {
              if (signal.aborted) return;
              this.state = 'stopped';
              this.ended = error ? error.message : 'the trace ended';
              if (error) this.ctx.notify(`strace: ${error.message}`, 'error');
              this.ctx.requestRender();
            },
          );
          if (signal.aborted) {
            await handle.stop().catch(() => undefined);
            return;
          }
          this.handle = handle;
          if (this.state === 'starting') this.state = 'running';
        } catch (error) {
          if (signal.aborted) return;
          this.state = 'stopped';
          this.ended = (error as Error).message;
          this.ctx.notify(`strace: ${(error as Error).message}`, 'error');
        }
        this.ctx.requestRender();
      })
      .catch(() => undefined);
  }

  private async stop(reason: string): Promise<void> {
    this.task.cancel();
    if (this.state === 'running' || this.state === 'starting') {
      this.state = 'stopped';
      this.ended = reason;
    }
    this.ctx.requestRender();
    // After the start in flight (if any) has settled, so its handle is the one stopped.
    await this.task.run(() => this.stopHandle());
  }

  private async stopHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.stop().catch(() => undefined);
  }
}
