// Runs the built CLI in a real pseudo-terminal and keeps a headless xterm as the screen,
// so tests assert on what a user would see, and can type and resize like a user.
import pty from '@lydell/node-pty';
import xtermHeadless from '@xterm/headless';
import { REMORA_BIN, runLabels } from './fixtures.js';
import { waitFor } from './wait-for.js';

const { Terminal } = xtermHeadless;

export interface PtySession extends AsyncDisposable {
  /** Everything written so far (raw, with escape sequences). */
  output(): string;
  /** The visible screen as text, one line per row, trailing spaces trimmed. */
  screen(): string;
  type(text: string): void;
  resize(cols: number, rows: number): void;
  waitForScreen(pattern: RegExp | string, timeoutMs?: number): Promise<void>;
  waitForOutput(pattern: RegExp | string, timeoutMs?: number): Promise<void>;
  exited: Promise<{ exitCode: number; signal?: number }>;
  kill(signal?: string): void;
  pid: number;
}

export function spawnRemora(args: string[], options: { cols?: number; rows?: number; env?: Record<string, string> } = {}): PtySession {
  const cols = options.cols ?? 100;
  const rows = options.rows ?? 30;
  const terminal = new Terminal({ cols, rows, allowProposedApi: true });
  let raw = '';
  const child = pty.spawn(REMORA_BIN, args, {
    name: 'xterm-256color',
    cols,
    rows,
    cwd: process.cwd(),
    env: { ...process.env, TERM: 'xterm-256color', REMORA_LABELS: runLabels(), ...options.env } as Record<string, string>,
  });
  child.onData((data) => {
    raw += data;
    terminal.write(data);
  });
  const exited = new Promise<{ exitCode: number; signal?: number }>((resolve) => child.onExit(resolve));

  const screen = (): string => {
    const buffer = terminal.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < terminal.rows; i++) lines.push(buffer.getLine(buffer.viewportY + i)?.translateToString(true) ?? '');
    return lines.join('\n');
  };
  const matches = (text: string, pattern: RegExp | string): boolean =>
    typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
  // xterm parses writes asynchronously; a zero-length write with a callback flushes it.
  const flushed = (): Promise<void> => new Promise((resolve) => terminal.write('', resolve));

  return {
    pid: child.pid,
    output: () => raw,
    screen,
    type: (text) => child.write(text),
    resize: (c, r) => {
      child.resize(c, r);
      terminal.resize(c, r);
    },
    waitForScreen: async (pattern, timeoutMs = 30_000) => {
      try {
        await waitFor(async () => (await flushed(), matches(screen(), pattern)), {
          timeoutMs,
          what: `the screen to show ${String(pattern)}`,
        });
      } catch (error) {
        throw new Error(`${(error as Error).message}\n--- screen ---\n${screen()}\n--------------`, { cause: error });
      }
    },
    waitForOutput: (pattern, timeoutMs = 30_000) =>
      waitFor(() => matches(raw, pattern), { timeoutMs, what: `output ${String(pattern)}` }).then(() => undefined),
    exited,
    kill: (signal) => child.kill(signal),
    async [Symbol.asyncDispose]() {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
      terminal.dispose();
    },
  };
}
