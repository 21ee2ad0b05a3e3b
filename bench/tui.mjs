// Figures for the attach TUI (issues 5 and 14), measured on the built CLI in a real
// pseudo-terminal. `npm run bench tui` (or `node bench/tui.mjs`) starts a target with 1,000
// processes (the demo app with CHILDREN=999) and prints, beside docker where docker has an
// equivalent:
//   - the time to the first drawn process table (warm session) vs `docker exec <toolkit> ps`;
//   - the CPU and resident memory of `remora attach` sitting on Processes (2 s refresh),
//     over BENCH_IDLE_SECONDS (30), after the first 3 s.
// On a target of your own, one figure at a time:
//   node bench/tui.mjs startup <target> [rounds]
//   node bench/tui.mjs idle <target> [seconds]
//   node bench/tui.mjs trace-rss <target> [seconds]   resident memory while tracing PID 1
// The target must be running; a session is started (and left to its idle timer) if needed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnScreen } from '../scripts/pty-screen.mjs';
import { REMORA, docker, loadAverage, median, printTable, run, runAlone, startBenchTarget } from './lib.mjs';

const CLK_TCK = 100;
const PROCESSES = 1000;

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

/** Median time to the first drawn table, and of `docker exec <toolkit> ps` beside it. */
async function startupTimes(target, rounds) {
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
  return { tui: median(tuiTimes), docker: median(dockerTimes) };
}

/** CPU share and resident memory of the TUI left on Processes for `seconds`. */
async function idleFigures(target, seconds) {
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
  return { wall, cpuSeconds, cpuPercent: (cpuSeconds / wall) * 100, rssMiB: after.rssKiB / 1024 };
}

export default async function benchTui() {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
  const seconds = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
  const target = startBenchTarget('remora-bench-tui', ['-e', `CHILDREN=${PROCESSES - 1}`]);
  // Until all children exist.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const rows = JSON.parse(run(REMORA, ['ps', target, '--json']).stdout).length;
    if (rows >= PROCESSES) break;
    if (Date.now() > deadline) throw new Error(`only ${rows} of ${PROCESSES} processes after 60 s`);
  }
  const title = loadAverage();
  const startup = await startupTimes(target, rounds);
  const idle = await idleFigures(target, seconds);
  printTable(
    `remora attach on ${PROCESSES} processes (${title}; now ${loadAverage()})`,
    ['figure', 'remora', 'docker', 'ratio'],
    [
      [
        `first drawn table, warm (ms, median of ${rounds}) | docker exec <toolkit> ps`,
        startup.tui.toFixed(0),
        startup.docker.toFixed(0),
        (startup.tui / startup.docker).toFixed(2),
      ],
      [`idle on Processes, 2 s refresh: CPU over ${idle.wall.toFixed(0)} s`, `${idle.cpuPercent.toFixed(2)}%`, '', ''],
      ['idle on Processes: RSS at the end (MiB)', idle.rssMiB.toFixed(1), '', ''],
    ],
  );
  return { startup, idle };
}

const [mode, target, amount] = process.argv[1] === fileURLToPath(import.meta.url) ? process.argv.slice(2) : [];
if (mode === undefined) {
  await runAlone(import.meta.url, benchTui);
} else if (!target) {
  process.stderr.write('usage: node bench/tui.mjs [startup|idle|trace-rss <target> [rounds|seconds]]\n');
  process.exit(2);
} else {
  await runMode(mode, target, amount);
  process.exit(0);
}

async function runMode(mode, target, amount) {
  if (mode === 'startup') {
    const rounds = Number(amount ?? 7);
    const { tui, docker: dockerMs } = await startupTimes(target, rounds);
    printTable(
      `first drawn process table, warm session (median of ${rounds}; ${loadAverage()})`,
      ['case', 'ms'],
      [
        ['remora attach: spawn to table on screen', tui.toFixed(0)],
        ['docker exec <toolkit> ps', dockerMs.toFixed(0)],
        ['ratio', (tui / dockerMs).toFixed(2)],
      ],
    );
  } else if (mode === 'idle') {
    const idle = await idleFigures(target, Number(amount ?? 60));
    printTable(
      `remora attach idle on Processes (2 s refresh), ${idle.wall.toFixed(0)} s (${loadAverage()})`,
      ['figure', 'value'],
      [
        ['CPU seconds (utime+stime)', idle.cpuSeconds.toFixed(2)],
        ['average CPU', `${idle.cpuPercent.toFixed(2)}%`],
        ['RSS at the end', `${idle.rssMiB.toFixed(1)} MiB`],
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
}
