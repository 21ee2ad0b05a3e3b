// Figures for the attach TUI (issue 5), measured on the built CLI in a real pseudo-terminal:
//   node bench/tui.mjs startup <target> [rounds]   time to the first drawn process table (warm
//                                                   session) vs `docker exec <toolkit> ps`
//   node bench/tui.mjs idle <target> [seconds]     CPU of `remora attach` sitting on Processes
//   node bench/tui.mjs trace-rss <target> [seconds] resident memory while tracing PID 1
// The target must be running; a session is started (and left to its idle timer) if needed.
import { readFileSync } from 'node:fs';
import { spawnScreen } from '../scripts/pty-screen.mjs';
import { REMORA, docker, median, printTable, run } from './lib.mjs';

const [mode, target, amount] = process.argv.slice(2);
if (!mode || !target) {
  process.stderr.write('usage: node bench/tui.mjs startup|idle|trace-rss <target> [rounds|seconds]\n');
  process.exit(2);
}

const CLK_TCK = 100;

// Polls fast: the startup figure is the time until the table is drawn.
const spawnTui = (args) => spawnScreen(args, { pollMs: 5 });

/** utime + stime of a process in clock ticks, and its resident set in KiB. */
function usage(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { ticks, rssKiB: rss };
}

// Spaces only: \s would span lines and match the tab bar (" 1 Processes  2 Files").
const TABLE = /^ +1 \S+ +\S +\d/m;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function quit(tui) {
  tui.type('q');
  await Promise.race([tui.exited, sleep(10_000)]);
  tui.kill();
}

if (mode === 'startup') {
  const rounds = Number(amount ?? 7);
  // Warm: make sure the session exists, then find its toolkit for the docker side.
  run(REMORA, ['exec', target, '--', 'true']);
  const targetId = docker('inspect', '-f', '{{.Id}}', target);
  const toolkit = docker(
    'ps',
    '-q',
    '--filter',
    'label=remora.role=toolkit',
    '--filter',
    `label=remora.target=${targetId}`,
    '--filter',
    'label=remora.profile=general',
  ).split('\n')[0];
  const tuiTimes = [];
  const dockerTimes = [];
  for (let i = 0; i < rounds; i++) {
    const started = process.hrtime.bigint();
    const tui = spawnTui(['attach', target]);
    await tui.waitFor(TABLE);
    tuiTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
    await quit(tui);
    dockerTimes.push(run('docker', ['exec', toolkit, 'ps', '-e', '-o', 'pid,user,stat,pcpu,rss,nlwp,etime,args']).ms);
  }
  const [a, b] = [median(tuiTimes), median(dockerTimes)];
  printTable(
    `first drawn process table, warm session (median of ${rounds})`,
    ['case', 'ms'],
    [
      ['remora attach: spawn to table on screen', a.toFixed(0)],
      ['docker exec <toolkit> ps', b.toFixed(0)],
      ['ratio', (a / b).toFixed(2)],
    ],
  );
} else if (mode === 'idle') {
  const seconds = Number(amount ?? 60);
  const tui = spawnTui(['attach', target]);
  await tui.waitFor(TABLE);
  await sleep(3000);
  const before = usage(tui.pid);
  const t0 = Date.now();
  await sleep(seconds * 1000);
  const after = usage(tui.pid);
  const wall = (Date.now() - t0) / 1000;
  const cpuSeconds = (after.ticks - before.ticks) / CLK_TCK;
  await quit(tui);
  printTable(
    `remora attach idle on Processes (2 s refresh), ${wall.toFixed(0)} s`,
    ['figure', 'value'],
    [
      ['CPU seconds (utime+stime)', cpuSeconds.toFixed(2)],
      ['average CPU', `${((cpuSeconds / wall) * 100).toFixed(2)}%`],
      ['RSS at the end', `${(after.rssKiB / 1024).toFixed(1)} MiB`],
    ],
  );
} else if (mode === 'trace-rss') {
  const seconds = Number(amount ?? 600);
  const tui = spawnTui(['attach', target]);
  await tui.waitFor(TABLE);
  tui.type('N');
  await tui.waitFor(/by pid/);
  tui.type('s');
  await tui.waitFor(/● tracing/);
  const samples = [];
  const t0 = Date.now();
  let lastTicks = usage(tui.pid).ticks;
  let lastAt = Date.now();
  while (Date.now() - t0 < seconds * 1000) {
    await sleep(Math.min(30_000, seconds * 1000));
    const now = usage(tui.pid);
    const sampledSeconds = (Date.now() - lastAt) / 1000;
    lastAt = Date.now();
    const events = /(\d+) events/.exec(tui.screen())?.[1] ?? '?';
    samples.push([
      `${((Date.now() - t0) / 1000).toFixed(0)} s`,
      `${(now.rssKiB / 1024).toFixed(1)} MiB`,
      `${(((now.ticks - lastTicks) / CLK_TCK / sampledSeconds) * 100).toFixed(0)}%`,
      events,
    ]);
    lastTicks = now.ticks;
    process.stdout.write(`${samples.at(-1).join('  ')}\n`);
  }
  await quit(tui);
  printTable(`remora attach tracing PID 1 of ${target}`, ['elapsed', 'RSS', 'CPU (since the last row)', 'events received'], samples);
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
process.exit(0);
