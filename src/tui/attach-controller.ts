// The attach TUI without a terminal: keys in, screen lines out. It owns the views, the
// modal layers (pager, menu, footer prompt, help), the status line and the banner for a
// stopped target or a lost engine. The blessed layer only feeds it keys and draws its lines.
import type { TargetEvent, TargetHeader, TuiDataSource } from './data-source.js';
import { bannerLine, headerLines, tabBar } from './header.js';
import { actionFor, footerEntries, helpRows, VIEWS, viewForKey, type Action, type Scope, type ViewId } from './keymap.js';
import { LineEditor } from './line-editor.js';
import { Pager, type PagerContent } from './pager.js';
import { ListCursor, navigate } from './table.js';
import { cleanText, displayWidth, escapeTags, fit, truncate } from './text.js';
import type { Theme } from './theme.js';
import type { Choice, Screenful, View, ViewContext } from './view.js';
import { FilesView } from './views/files-view.js';
import { LogsView } from './views/logs-view.js';
import { NetworkView } from './views/network-view.js';
import { ProcessesView } from './views/processes-view.js';
import { ShellView } from './views/shell-view.js';
import { TraceView } from './views/trace-view.js';

export interface AttachControllerOptions {
  data: TuiDataSource;
  summary: TargetHeader;
  theme: Theme;
  /** Local directory for downloads and saved traces. */
  cwd: string;
  requestRender(): void;
  /** The user asked to quit (q, Ctrl-C). */
  quit(): void;
  /** Suspends the TUI, runs `remora shell` in the terminal, brings the TUI back. */
  openShell(): Promise<void>;
  saveFile(path: string, text: string): Promise<void>;
  now?: () => number;
  /** How often the header's up-time is redrawn (tests turn it off with 0). */
  tickMs?: number;
}

interface PromptState {
  label: string;
  editor: LineEditor;
  onSubmit(value: string): void;
  onChange?(value: string): void;
  onCancel?(): void;
}

type Modal =
  | { kind: 'pager'; title: string; pager: Pager | undefined }
  | { kind: 'choose'; title: string; choices: Choice[]; cursor: ListCursor; onChoose(value: string): void };

const MESSAGE_MS = 8000;

export class AttachController implements Screenful {
  private readonly views: Record<ViewId, View>;
  private readonly processes: ProcessesView;
  private readonly trace: TraceView;
  private readonly network: NetworkView;
  private current: ViewId = 'processes';
  private modal: Modal | undefined;
  private prompt: PromptState | undefined;
  private message: { text: string; kind: 'info' | 'error'; at: number } | undefined;
  private banner: string | undefined;
  private targetStopped = false;
  private engineDown = false;
  private summary: TargetHeader;
  private readonly now: () => number;
  private readonly tick: NodeJS.Timeout | undefined;
  private started = false;

  constructor(private readonly options: AttachControllerOptions) {
    this.summary = { ...options.summary };
    this.now = options.now ?? Date.now;
    // The views read the controller's current state through ctx.frozen.
    const isFrozen = (): boolean => this.frozen;
    const ctx: ViewContext & { saveFile(path: string, text: string): Promise<void> } = {
      data: options.data,
      theme: options.theme,
      cwd: options.cwd,
      requestRender: () => options.requestRender(),
      notify: (text, kind = 'info') => this.notify(text, kind),
      openPager: (content) => this.openPager(content),
      prompt: (p) => {
        this.prompt = {
          label: p.label,
          editor: new LineEditor(p.initial ?? ''),
          onSubmit: p.onSubmit,
          onChange: p.onChange,
          onCancel: p.onCancel,
        };
        options.requestRender();
      },
      choose: (c) => {
        this.modal = { kind: 'choose', title: c.title, choices: c.choices, cursor: new ListCursor(), onChoose: c.onChoose };
        options.requestRender();
      },
      show: (view, argument) => this.show(view, argument),
      get frozen() {
        return isFrozen();
      },
      saveFile: options.saveFile,
    };
    this.processes = new ProcessesView(ctx);
    this.trace = new TraceView(ctx);
    this.network = new NetworkView(ctx);
    this.views = {
      processes: this.processes,
      files: new FilesView(ctx),
      trace: this.trace,
      network: this.network,
      logs: new LogsView(ctx),
      shell: new ShellView(ctx, this.summary.name),
    };
    const tickMs = options.tickMs ?? 5000;
    if (tickMs > 0) this.tick = setInterval(() => options.requestRender(), tickMs);
  }

  get frozen(): boolean {
    return this.targetStopped || this.engineDown;
  }

  /** Shows the first view (its data starts loading). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.views[this.current].activate();
  }

  async dispose(): Promise<void> {
    if (this.tick) clearInterval(this.tick);
    await Promise.all(VIEWS.map((v) => this.views[v].dispose().catch(() => undefined)));
  }

  onTargetEvent(event: TargetEvent): void {
    const name = this.summary.name;
    if (event.kind === 'original-removed') {
      this.banner = `${name} was removed: these are the files it had, gone once you quit`;
    } else if (event.kind === 'engine') {
      const wasFrozen = this.frozen;
      this.engineDown = !event.reachable;
      this.banner = event.reachable
        ? this.targetStopped
          ? this.banner
          : undefined
        : `the engine at ${this.summary.engine} does not answer${event.message ? ` (${event.message})` : ''}: retrying… views keep their last data`;
      this.applyFreeze(wasFrozen);
    } else if (event.state === 'stopped') {
      const wasFrozen = this.frozen;
      this.targetStopped = true;
      this.summary.state = 'exited';
      const code = event.exitCode === undefined ? '' : ` (exit code ${event.exitCode})`;
      this.banner = `${name} stopped${code}: views keep their last data · q quits`;
      this.applyFreeze(wasFrozen);
    } else if (event.state === 'paused') {
      this.summary.state = 'paused';
      this.banner = `${name} is paused: processes and files can still be read; a trace shows nothing until it resumes`;
    } else {
      this.summary.state = 'running';
      this.banner = this.targetStopped
        ? `${name} started again, but its toolkit session ended with it: quit and attach again`
        : this.engineDown
          ? this.banner
          : undefined;
    }
    this.options.requestRender();
  }

  handleKey(name: string, ch?: string): void {
    if (name === 'C-c') return this.options.quit();
    if (this.prompt) return this.promptKey(name, ch);
    if (this.modal?.kind === 'choose') return this.chooseKey(name);
    if (this.modal?.kind === 'pager') return this.pagerKey(name);
    const jump = viewForKey(name);
    if (jump) return this.show(jump);
    const action = actionFor(name, this.current);
    if (!action) return;
    if (this.views[this.current].onAction(action)) {
      this.options.requestRender();
      return;
    }
    this.globalAction(action);
  }

  render(width: number, height: number): string[] {
    const theme = this.options.theme;
    const nowMs = this.now();
    const mainPid = this.summary.mainPid ?? 1;
    const mainUser = this.processes.current.find((p) => p.pid === mainPid)?.user;
    const header = headerLines({ ...this.summary, user: mainUser ?? this.summary.user }, nowMs, width, theme);
    const tracing = this.trace.tracing;
    const capture = this.network.captureLabel;
    const activity = [
      tracing ? `● strace ${tracing.label}` : '',
      capture ? `● ${capture}` : '',
      ...this.network.forwardLabels.map((f) => `⇄ ${f}`),
    ]
      .filter(Boolean)
      .join('  ');
    const lines = [...header, tabBar(this.current, width, theme, activity)];
    if (this.banner) lines.push(bannerLine(this.banner, width, theme));
    const bodyHeight = Math.max(0, height - lines.length - 2);
    const body = this.renderBody(width, bodyHeight);
    for (let i = 0; i < bodyHeight; i++) lines.push(body[i] ?? '');
    lines.push(this.statusLine(width, nowMs), this.footerLine(width));
    return lines.slice(0, height);
  }

  private renderBody(width: number, height: number): string[] {
    const theme = this.options.theme;
    if (this.modal?.kind === 'pager') {
      if (!this.modal.pager) return [theme.paint('title', fit(this.modal.title, width)), theme.paint('dim', 'loading…')];
      return this.modal.pager.render(width, height, theme);
    }
    if (this.modal?.kind === 'choose') {
      const { title, choices, cursor } = this.modal;
      cursor.clamp(choices.length, height - 2);
      return [
        theme.paint('title', fit(title, width)),
        '',
        ...choices.map((c, i) => {
          const text = fit(`  ${c.label}`, Math.min(width, 24));
          return i === cursor.index ? theme.paint('selected', text) : escapeTags(text);
        }),
      ];
    }
    return this.views[this.current].render(width, height);
  }

  private statusLine(width: number, nowMs: number): string {
    const theme = this.options.theme;
    if (this.message && nowMs - this.message.at < MESSAGE_MS) {
      return theme.paint(this.message.kind === 'error' ? 'error' : 'accent', fit(cleanText(this.message.text), width));
    }
    const text = this.modal?.kind === 'pager' && this.modal.pager ? this.pagerStatus(this.modal.pager) : this.views[this.current].status();
    return theme.paint('dim', fit(cleanText(text), width));
  }

  private pagerStatus(pager: Pager): string {
    const { count, current } = pager.matchStatus();
    return pager.search
      ? `${pager.position()} · "${pager.search}": ${count ? `match ${current} of ${count}` : 'no match'}`
      : pager.position();
  }

  private footerLine(width: number): string {
    const theme = this.options.theme;
    if (this.prompt) {
      const label = `${truncate(this.prompt.label, Math.floor(width / 2))}: `;
      return theme.paint('key', label) + this.prompt.editor.render(Math.max(1, width - displayWidth(label)));
    }
    if (this.modal?.kind === 'choose')
      return this.keysLine(
        [
          { key: '↑↓', label: 'choose' },
          { key: 'Enter', label: 'send' },
          { key: 'Esc', label: 'cancel' },
        ],
        width,
      );
    const scope: Scope = this.modal?.kind === 'pager' ? 'pager' : this.current;
    return this.keysLine(footerEntries(scope), width);
  }

  /** Key hints that fit; the view's own come first, but quit and help are never crowded out. */
  private keysLine(entries: Array<{ key: string; label: string }>, width: number): string {
    const theme = this.options.theme;
    const widthOf = (list: Array<{ key: string; label: string }>): number =>
      list.reduce((sum, e, i) => sum + displayWidth(`${e.key} ${e.label}`) + (i ? 2 : 0), 0);
    const kept = [...entries];
    const essential = (e: { label: string }): boolean => e.label === 'quit' || e.label === 'help' || e.label === 'close';
    while (kept.length > 0 && widthOf(kept) > width) {
      const drop = kept
        .map((e, i) => (essential(e) ? -1 : i))
        .filter((i) => i >= 0)
        .pop();
      kept.splice(drop ?? kept.length - 1, 1);
    }
    return kept.map(({ key, label }) => `${theme.paint('key', key)} ${escapeTags(label)}`).join('  ');
  }

  private notify(text: string, kind: 'info' | 'error'): void {
    this.message = { text, kind, at: this.now() };
    this.options.requestRender();
  }

  private show(view: ViewId, argument?: unknown): void {
    this.modal = undefined;
    if (view !== this.current) {
      this.views[this.current].deactivate();
      this.current = view;
    }
    this.views[view].activate(argument);
    this.options.requestRender();
  }

  private globalAction(action: Action): void {
    switch (action) {
      case 'quit':
        return this.options.quit();
      case 'help':
        this.modal = { kind: 'pager', title: 'Keys', pager: new Pager(helpContent()) };
        break;
      case 'nextView':
      case 'previousView': {
        const at = VIEWS.indexOf(this.current);
        const next = VIEWS[(at + (action === 'nextView' ? 1 : VIEWS.length - 1)) % VIEWS.length] as ViewId;
        return this.show(next);
      }
      case 'shell':
        if (this.frozen) {
          this.notify('the target is not running: no shell can be opened', 'error');
          return;
        }
        this.options.openShell().catch((error: Error) => this.notify(`shell: ${error.message}`, 'error'));
        return;
      default:
        return;
    }
    this.options.requestRender();
  }

  private openPager(content: PagerContent | Promise<PagerContent>): void {
    const modal: Modal = { kind: 'pager', title: 'loading…', pager: undefined };
    this.modal = modal;
    this.options.requestRender();
    Promise.resolve(content).then(
      (resolved) => {
        if (this.modal !== modal) return;
        modal.pager = new Pager(resolved);
        this.options.requestRender();
      },
      (error: Error) => {
        if (this.modal === modal) this.modal = undefined;
        this.notify(error.message, 'error');
      },
    );
  }

  private pagerKey(name: string): void {
    const modal = this.modal;
    if (modal?.kind !== 'pager') return;
    const action = actionFor(name, 'pager');
    if (!action) return;
    const pager = modal.pager;
    if (action === 'back') this.modal = undefined;
    else if (action === 'help') this.modal = { kind: 'pager', title: 'Keys', pager: new Pager(helpContent()) };
    else if (action === 'quit') return this.options.quit();
    else if (pager && action === 'search') {
      this.prompt = {
        label: 'search',
        editor: new LineEditor(pager.search),
        onSubmit: (q) => {
          pager.setSearch(q);
          if (q && pager.matchStatus().count === 0) this.notify(`"${q}" not found`, 'error');
        },
      };
    } else if (pager && (action === 'nextMatch' || action === 'previousMatch')) pager.jump(action === 'nextMatch' ? 1 : -1);
    else pager?.scroll(action);
    this.options.requestRender();
  }

  private chooseKey(name: string): void {
    const modal = this.modal;
    if (modal?.kind !== 'choose') return;
    if (name === 'escape' || name === 'q' || name === 'n') this.modal = undefined;
    else if (name === 'enter') {
      this.modal = undefined;
      const choice = modal.choices[modal.cursor.index];
      if (choice) modal.onChoose(choice.value);
    } else {
      const action = actionFor(name, 'pager');
      if (action) navigate(modal.cursor, action, modal.choices.length, modal.choices.length);
    }
    this.options.requestRender();
  }

  private promptKey(name: string, ch?: string): void {
    const prompt = this.prompt;
    if (!prompt) return;
    const result = prompt.editor.key(name, ch);
    if (result === 'submit') {
      this.prompt = undefined;
      prompt.onSubmit(prompt.editor.value);
    } else if (result === 'cancel') {
      this.prompt = undefined;
      prompt.onCancel?.();
    } else if (result === 'changed') {
      prompt.onChange?.(prompt.editor.value);
    }
    this.options.requestRender();
  }

  private applyFreeze(wasFrozen: boolean): void {
    if (this.frozen === wasFrozen) return;
    for (const view of VIEWS) {
      if (this.frozen) this.views[view].freeze();
      else this.views[view].thaw();
    }
  }
}

function helpContent(): PagerContent {
  const rows = helpRows();
  const lines: string[] = [];
  let section = '';
  for (const row of rows) {
    if (row.section !== section) {
      if (section) lines.push('');
      lines.push(row.section);
      section = row.section;
    }
    lines.push(`  ${row.keys.padEnd(22)} ${row.help}`);
  }
  return { title: 'Keys (Esc closes)', lines };
}
