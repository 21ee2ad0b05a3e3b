// Runs the built CLI in a real pseudo-terminal with a headless xterm as its screen: what the
// README screen captures and the TUI benchmark both drive. (Tests have their own, typed
// version in test/support/pty.ts.)
import { fileURLToPath } from 'node:url';
import pty from '@lydell/node-pty';
import xtermHeadless from '@xterm/headless';

const REMORA = fileURLToPath(new URL('../bin/remora', import.meta.url));

export function spawnScreen(args, { cols = 100, rows = 30, pollMs = 100 } = {}) {
  const term = new xtermHeadless.Terminal({ cols, rows, allowProposedApi: true });
  const child = pty.spawn(REMORA, args, {
    name: 'xterm-256color',
    cols,
    rows,
    cwd: process.cwd(),
    env: { ...process.env, TERM: 'xterm-256color' },
  });
  child.onData((data) => term.write(data));
  const exited = new Promise((resolve) => child.onExit(resolve));
  const screen = () => {
    const buffer = term.buffer.active;
    const lines = [];
    for (let i = 0; i < term.rows; i++) lines.push(buffer.getLine(buffer.viewportY + i)?.translateToString(true) ?? '');
    return lines.join('\n');
  };
  // xterm parses writes asynchronously; an empty write with a callback flushes it.
  const flushed = () => new Promise((resolve) => term.write('', resolve));
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  return {
    pid: child.pid,
    type: (text) => child.write(text),
    exited,
    kill: (signal = 'SIGKILL') => child.kill(signal),
    screen,
    /** Resolves with the screen once it matches `pattern` (a string or a RegExp). */
    async waitFor(pattern, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await flushed();
        const text = screen();
        if (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)) return text;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}\n${text}`);
        await sleep(pollMs);
      }
    },
    /** Waits until the screen has not changed for `quietMs` (a stream settles), then returns it. */
    async settled(quietMs = 600) {
      let last = '';
      let since = Date.now();
      for (;;) {
        await flushed();
        const text = screen();
        if (text !== last) {
          last = text;
          since = Date.now();
        } else if (Date.now() - since >= quietMs) return text;
        await sleep(50);
      }
    },
  };
}
