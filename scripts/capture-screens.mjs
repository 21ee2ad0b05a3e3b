// Captures the TUI's screens as text for the README: runs the built CLI in a real
// pseudo-terminal (node-pty), keeps a headless xterm as the screen, visits every view and
// writes docs/screens/<view>.txt.
//   npm run build && node scripts/capture-screens.mjs [target]
// With no target it runs `remora demo` (which starts, and afterwards removes, remora-demo).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnScreen } from './pty-screen.mjs';

const COLS = Number(process.env.COLS ?? 100);
const ROWS = Number(process.env.ROWS ?? 30);
const outDir = fileURLToPath(new URL('../docs/screens/', import.meta.url));
const target = process.argv[2];

const drive = (args) => spawnScreen(args, { cols: COLS, rows: ROWS });

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
  tui.kill('SIGHUP');
}

const picker = drive(['attach']);
try {
  await picker.waitFor('pick a container');
  if (target) picker.type(target);
  save('picker', await picker.settled());
  picker.type('\x03');
  await picker.exited;
} finally {
  picker.kill('SIGHUP');
}
process.exit(0);
