// Captures the TUI's screens as text for the README: runs the built CLI in a real
// pseudo-terminal (node-pty), keeps a headless xterm as the screen, visits every view and
// writes docs/screens/<view>.txt.
//   npm run build && node scripts/capture-screens.mjs [target]
// With no target it runs `remora demo` (which starts, and afterwards removes, remora-demo).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pty from '@lydell/node-pty';
import xtermHeadless from '@xterm/headless';

const COLS = Number(process.env.COLS ?? 100);
const ROWS = Number(process.env.ROWS ?? 30);
const bin = fileURLToPath(new URL('../bin/remora.js', import.meta.url));
const outDir = fileURLToPath(new URL('../docs/screens/', import.meta.url));
const target = process.argv[2];

function drive(args) {
  const term = new xtermHeadless.Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
  const child = pty.spawn('node', [bin, ...args], { name: 'xterm-256color', cols: COLS, rows: ROWS, cwd: process.cwd(), env: { ...process.env, TERM: 'xterm-256color' } });
  child.onData((data) => term.write(data));
  const exited = new Promise((resolve) => child.onExit(resolve));
  const screen = () => {
    const buffer = term.buffer.active;
    const lines = [];
    for (let i = 0; i < term.rows; i++) lines.push(buffer.getLine(buffer.viewportY + i)?.translateToString(true) ?? '');
    return lines.join('\n');
  };
  const flushed = () => new Promise((resolve) => term.write('', resolve));
  return {
    type: (text) => child.write(text),
    exited,
    kill: () => child.kill(),
    async waitFor(pattern, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await flushed();
        const text = screen();
        if (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)) return text;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
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
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

function save(name, text) {
  writeFileSync(`${outDir}${name}.txt`, `${text.replace(/[ \t]+$/gm, '').replace(/\n+$/, '')}\n`);
  process.stdout.write(`wrote docs/screens/${name}.txt\n`);
}

mkdirSync(outDir, { recursive: true });

const tui = drive(target ? ['attach', target] : ['demo']);
try {
  await tui.waitFor(/^ +1 \S+ +S .*\/app/m);
  save('processes', await tui.settled());
  tui.type('\r');
  await tui.waitFor(/^executable\s/m);
  save('process-details', await tui.settled());
  tui.type('\x1b');
  await tui.waitFor(/^ +PID USER/m);
  tui.type('2');
  await tui.waitFor(/ data\/\s*$/m);
  save('files', await tui.settled());
  tui.type('\r');
  await tui.waitFor(/app\.log\s*$/m);
  tui.type('\r');
  await tui.waitFor(/tick \d+/);
  save('file-viewer', await tui.settled());
  tui.type('\x1b');
  await tui.waitFor(/^\/data\s*$/m);
  tui.type('1');
  await tui.waitFor(/^ +1 \S+ +S /m);
  tui.type('s');
  await tui.waitFor(/^\S+\s+1 (write|openat|close|poll)\(/m);
  await tui.waitFor(/^\S+\s+1 poll\(.*\n(.*\n){0,3}\S+\s+1 write\(1/m, 15_000).catch(() => undefined);
  save('trace', await tui.settled(300));
  tui.type('c');
  await tui.waitFor(/SYSCALL\s+CLASS/);
  save('trace-counts', await tui.settled(300));
  tui.type('c4');
  await tui.waitFor(/LISTEN/);
  save('network', await tui.settled());
  tui.type('5');
  await tui.waitFor(/tick \d+/);
  save('logs', await tui.settled(300));
  tui.type('6');
  await tui.waitFor('Press Enter');
  save('shell', await tui.settled());
  tui.type('?');
  await tui.waitFor('Keys (Esc closes)');
  save('help', await tui.settled());
  tui.type('\x1b');
  await tui.waitFor('Press Enter');
  tui.type('q');
  await tui.exited;
} finally {
  tui.kill();
}

const picker = drive(['attach']);
try {
  await picker.waitFor('pick a container');
  if (target) picker.type(target);
  save('picker', await picker.settled());
  picker.type('\x03');
  await picker.exited;
} finally {
  picker.kill();
}
process.exit(0);
