// The only module that knows blessed: one screen per process, drawn from a Screenful's
// lines, keys fed back to it. It owns blessed's sharp edges: Remora's signal handlers go in
// before blessed's (which process.exit(0) when alone), terminfo dumps on stderr are kept
// off the screen, drawing is batched, and the TUI can step aside for a shell and come back.
import blessed from 'blessed';
import type { Screenful } from './view.js';
import { RenderThrottle } from './render-throttle.js';

export type QuitReason = 'SIGTERM' | 'SIGINT' | 'SIGHUP' | 'SIGQUIT' | 'input-closed';

export interface TerminalOptions {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** TERM for blessed's terminfo lookup (tests pin it). */
  terminal?: string;
  /** A signal or a closed terminal: the app's quit path (the same as `q`). */
  onQuitSignal(reason: QuitReason): void;
  /** Minimum time between two draws, in ms. */
  drawIntervalMs?: number;
  /** Where text written to stderr while the TUI is up goes (default: kept for later). */
  stderr?: NodeJS.WriteStream;
}

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'] as const;

/** Parts of blessed 0.1.81's screen that @types/blessed leaves out. */
interface ScreenInternals {
  /** Alternate buffer, keypad mode, cursor hidden, cells reallocated (a full redraw next). */
  enter(): void;
  /** Normal buffer, cursor shown, keypad mode off. */
  leave(): void;
}

/**
 * blessed's key event as Remora names keys: the typed character for printable keys
 * ('q', 'A', '?', 'é'), 'space', else blessed's full name ('C-c', 'enter', 'S-tab', 'up').
 */
export function keyName(
  ch: string | undefined,
  key: { full?: string; name?: string; ctrl?: boolean; meta?: boolean } | undefined,
): string | undefined {
  const full = key?.full ?? key?.name;
  // blessed reports Enter twice: as 'return', then again as 'enter'.
  if (full === 'return') return undefined;
  if (full === 'linefeed') return 'enter';
  if (ch !== undefined && !key?.ctrl && !key?.meta && [...ch].length === 1 && ch >= ' ' && ch !== '\x7f') return ch === ' ' ? 'space' : ch;
  return full;
}

export class Terminal {
  readonly screen: blessed.Widgets.Screen;
  private readonly box: blessed.Widgets.BoxElement;
  private readonly throttle: RenderThrottle;
  private current: Screenful | undefined;
  private closed = false;
  private suspended = false;
  private readonly signalHandlers = new Map<string, () => void>();
  private readonly restoreStderr: () => string;
  private readonly captured: string[] = [];
  private readonly onInputEnd: () => void;

  constructor(private readonly options: TerminalOptions) {
    // Registered first, so blessed's own handlers see company and stand aside.
    for (const signal of SIGNALS) {
      const handler = (): void => options.onQuitSignal(signal);
      this.signalHandlers.set(signal, handler);
      process.on(signal, handler);
    }
    // blessed may print terminfo parse dumps (console.error) while it compiles capabilities,
    // and anything printed to stderr while the screen is up would scribble over it.
    this.restoreStderr = captureStderr(this.captured);
    const restoreConsole = silenceConsole();
    // @types/blessed mistypes input as a Writable.
    this.screen = blessed.screen({
      input: options.input as unknown as blessed.Widgets.IScreenOptions['input'],
      output: options.output as unknown as blessed.Widgets.IScreenOptions['output'],
      terminal: options.terminal,
      fullUnicode: true,
      smartCSR: true,
      autoPadding: false,
      warnings: false,
    });
    // What blessed said while starting is terminfo noise: not the user's business.
    restoreConsole();
    this.captured.length = 0;
    this.box = blessed.box({ parent: this.screen, top: 0, left: 0, width: '100%', height: '100%', tags: true, wrap: false });
    this.throttle = new RenderThrottle(() => this.draw(), options.drawIntervalMs ?? 60);
    this.screen.on('keypress', (ch: string | undefined, key: { full?: string; name?: string; ctrl?: boolean; meta?: boolean }) => {
      const name = keyName(ch, key);
      if (name !== undefined && !this.suspended) this.current?.handleKey(name, [...name].length === 1 ? name : undefined);
    });
    // Lay out again before blessed draws the new size (its own listener draws right after).
    this.screen.program.prependListener('resize', () => this.fill());
    this.onInputEnd = () => options.onQuitSignal('input-closed');
    this.screen.program.input.on('end', this.onInputEnd);
    this.screen.program.input.on('error', this.onInputEnd);
    this.screen.program.output.on('error', this.onInputEnd);
  }

  get size(): { cols: number; rows: number } {
    return { cols: this.screen.cols, rows: this.screen.rows };
  }

  show(screenful: Screenful): void {
    this.current = screenful;
    this.throttle.request();
  }

  requestRender(): void {
    if (!this.closed) this.throttle.request();
  }

  /**
   * Steps aside for `body` (a shell on this terminal): normal screen, cursor shown, keys
   * not read, nothing drawn (not even on resize); then the TUI exactly as it was.
   */
  async suspend<T>(body: () => Promise<T>): Promise<T> {
    const screen = this.screen;
    const program = screen.program;
    const input = program.input as NodeJS.ReadableStream & {
      _keypressHandler?: (...args: unknown[]) => void;
      setRawMode?: (raw: boolean) => void;
    };
    const keypress = input._keypressHandler;
    const render = screen.render;
    this.suspended = true;
    this.throttle.hold();
    screen.render = () => undefined;
    if (keypress) input.removeListener('keypress', keypress);
    (screen as unknown as ScreenInternals).leave();
    try {
      return await body();
    } finally {
      if (keypress) input.on('keypress', keypress);
      input.setRawMode?.(true);
      input.resume();
      screen.render = render;
      (screen as unknown as ScreenInternals).enter();
      this.suspended = false;
      this.throttle.release();
      this.draw();
    }
  }

  /** Restores the terminal (idempotent); replays what was written to stderr meanwhile. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.throttle.dispose();
    this.screen.program.input.removeListener('end', this.onInputEnd);
    this.screen.program.input.removeListener('error', this.onInputEnd);
    this.screen.program.output.removeListener('error', this.onInputEnd);
    try {
      this.screen.destroy();
    } finally {
      const said = this.restoreStderr();
      for (const [signal, handler] of this.signalHandlers) process.removeListener(signal, handler);
      if (said) (this.options.stderr ?? process.stderr).write(said);
    }
  }

  private fill(): void {
    if (!this.current) return;
    const { cols, rows } = this.size;
    this.box.setContent(this.current.render(cols, rows).join('\n'));
  }

  private draw(): void {
    if (this.closed || this.suspended) return;
    this.fill();
    this.screen.render();
  }
}

/** Sends process.stderr writes into `into` until the returned function restores it and returns them. */
function captureStderr(into: string[]): () => string {
  const stderr = process.stderr;
  const original = stderr.write;
  stderr.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
    into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  }) as typeof stderr.write;
  return () => {
    stderr.write = original;
    return into.splice(0).join('');
  };
}

/** Mutes console.log/error/warn (blessed's tput prints its dumps there) until the returned function runs. */
function silenceConsole(): () => void {
  const saved = { log: console.log, error: console.error, warn: console.warn };
  console.log = console.error = console.warn = () => undefined;
  return () => Object.assign(console, saved);
}
