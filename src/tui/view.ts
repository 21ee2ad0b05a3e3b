// The contract between the attach controller and its views. A view owns its state and its
// background work, turns actions into changes, and draws its body as lines of markup; it
// never sees blessed, keys or the engine — only actions, the data source and this context.
import type { TuiDataSource } from './data-source.js';
import type { Action, ViewId } from './keymap.js';
import type { PagerContent } from './pager.js';
import type { Theme } from './theme.js';

export interface Choice {
  label: string;
  value: string;
}

export interface ViewContext {
  data: TuiDataSource;
  theme: Theme;
  /** Something changed: draw again (batched). */
  requestRender(): void;
  /** A one-line message in the status line; errors stand out. */
  notify(message: string, kind?: 'info' | 'error'): void;
  /** Replaces the body with a pager until Esc. */
  openPager(content: PagerContent | Promise<PagerContent>): void;
  /** Asks for a line of text in the footer; onChange sees every edit (live filters). */
  prompt(options: {
    label: string;
    initial?: string;
    onSubmit(value: string): void;
    onChange?(value: string): void;
    onCancel?(): void;
  }): void;
  /** A short menu in the body (e.g. which signal); nothing is done unless a choice is made. */
  choose(options: { title: string; choices: Choice[]; onChoose(value: string): void }): void;
  /** Switches to another view, handing it an argument (the pids to trace). */
  show(view: ViewId, argument?: unknown): void;
  /** True once the target is gone or the engine unreachable: views keep their last data. */
  readonly frozen: boolean;
  /** The local directory downloads go to by default. */
  readonly cwd: string;
}

export interface View {
  readonly id: ViewId;
  /** Made visible (with an argument from show()); starts or resumes background work. */
  activate(argument?: unknown): void;
  /** Hidden; periodic refreshes stop (streams may keep collecting). */
  deactivate(): void;
  /** Handles an action; false when it is not this view's. */
  onAction(action: Action): boolean;
  /** The body: at most `height` lines of markup, each at most `width` columns. */
  render(width: number, height: number): string[];
  /** A short state summary for the status line ("12 processes · by cpu · paused"). */
  status(): string;
  /** The target stopped or the engine went away: stop work, keep showing the last data. */
  freeze(): void;
  /** The target is back: work may start again. */
  thaw(): void;
  dispose(): Promise<void>;
}

/** Anything the terminal layer can show: the attach TUI, the target picker, a progress page. */
export interface Screenful {
  render(width: number, height: number): string[];
  handleKey(name: string, ch?: string): void;
}

/** "1 process", "3 processes", "2/9 processes" (shown of all, when filtered). */
export function count(n: number, one: string, many: string, of?: number): string {
  return `${n}${of === undefined ? '' : `/${of}`} ${n === 1 && of === undefined ? one : many}`;
}
