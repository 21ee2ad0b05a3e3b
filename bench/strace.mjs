// The sustained rate of a trace (issue 14): events per second that `remora strace` (the
// CLI) and the TUI's Trace view keep up with on a syscall-heavy target, against
// `docker exec <toolkit> strace -f -p 1` on the same target in the same run (the Trace
// view against the same with its decorations, -tt -T -yy, which cost strace itself: -yy
// looks up each fd's path), with the target's slowdown under each. The target is `dd bs=1` from /dev/zero to /dev/null (one
// read and one write per byte, nothing else) in a container of the toolkit image, so every
// event is a syscall the kernel counts too: the target's own count (/proc/PID/io, read on
// the engine's host) says how many it made in the same window, and "seen" is the share of
// those that came out as events (1.00: none lost). Medians of BENCH_TRACE_ROUNDS (3) runs
// of BENCH_TRACE_SECONDS (6) each; the first second of each is left out (attaching).
// Run alone: `node bench/strace.mjs` (after `npm run build`).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { spawnScreen } from '../scripts/pty-screen.mjs';
import { REMORA, docker, loadAverage, median, printTable, run, runAlone, startBenchTarget } from './lib.mjs';

const ROUNDS = Number(process.env.BENCH_TRACE_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_TRACE_SECONDS ?? 6);
const SETTLE_MS = 1000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The target's syscalls so far (dd only reads and writes), or undefined off the engine's host. */
function syscallsOf(hostPid) {
  try {
    const io = readFileSync(`/proc/${hostPid}/io`, 'utf8');
    return Number(/syscr: (\d+)/.exec(io)[1]) + Number(/syscw: (\d+)/.exec(io)[1]);
  } catch {
    return undefined;
  }
}

/** CPU seconds (utime + stime) of a local process, and its resident set in MiB. */
function usageOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpu: (Number(fields[11]) + Number(fields[12])) / 100, rssMiB: rss / 1024 };
}

/**
 * One measured window of a running trace: `events()` reads the events received so far.
 * Starts SETTLE_MS after the first event, lasts the rest of SECONDS.
 */
async function window(hostPid, events, pid) {
  const deadline = Date.now() + 60_000;
  while (events() === 0) {
    if (Date.now() > deadline) throw new Error('no event within 60 s');
    await sleep(20);
  }
  await sleep(SETTLE_MS);
  const start = { at: Date.now(), events: events(), syscalls: syscallsOf(hostPid), usage: pid && usageOf(pid) };
  await sleep(SECONDS * 1000 - SETTLE_MS - 500);
  const end = { at: Date.now(), events: events(), syscalls: syscallsOf(hostPid), usage: pid && usageOf(pid) };
  const seconds = (end.at - start.at) / 1000;
  return {
    rate: (end.events - start.events) / seconds,
    targetRate: start.syscalls === undefined ? undefined : (end.syscalls - start.syscalls) / seconds,
    cpu: pid ? ((end.usage.cpu - start.usage.cpu) / seconds) * 100 : undefined,
    rssMiB: pid ? end.usage.rssMiB : undefined,
  };
}

/** Lines a child writes on one of its streams, counted as they arrive. */
function countLines(child, stream) {
  let lines = 0;
  child[stream].on('data', (chunk) => {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
  });
  child[stream === 'stdout' ? 'stderr' : 'stdout'].resume();
  return () => lines;
}

async function measureChild(hostPid, cmd, args, stream, withUsage) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const figures = await window(hostPid, countLines(child, stream), withUsage ? child.pid : undefined);
  await exited;
  return figures;
}

async function measureTui(hostPid, target) {
  const tui = spawnScreen(['attach', target], { pollMs: 50 });
  await tui.waitFor(/^ +1 \S+ +\S +\d/m);
  tui.type('N');
  await tui.waitFor(/by pid/);
  tui.type('s');
  await tui.waitFor(/● tracing/);
  const events = () => Number(/(\d+) events?/.exec(tui.screen())?.[1] ?? 0);
  const figures = await window(hostPid, events, tui.pid);
  tui.type('s');
  await tui.waitFor(/■/).catch(() => undefined);
  tui.type('q');
  await Promise.race([tui.exited, sleep(10_000)]);
  tui.kill();
  return figures;
}

function untracedRate(hostPid) {
  const before = syscallsOf(hostPid);
  if (before === undefined) return Promise.resolve(undefined);
  const at = Date.now();
  return sleep(2000).then(() => (syscallsOf(hostPid) - before) / ((Date.now() - at) / 1000));
}

export default async function benchStrace() {
  const toolkitImage = process.env.REMORA_TOOLKIT_IMAGE ?? 'remora-toolkit:0.1.0';
  const target = startBenchTarget('remora-bench-strace', ['--entrypoint', 'dd'], {
    image: toolkitImage,
    command: ['if=/dev/zero', 'of=/dev/null', 'bs=1'],
  });
  const hostPid = Number(docker('inspect', '-f', '{{.State.Pid}}', target));
  // A warm session, and its toolkit for the docker side.
  run(REMORA, ['exec', target, '--', 'true']);
  const targetId = docker('inspect', '-f', '{{.Id}}', target);
  const toolkit = docker('ps', '-q', '--filter', 'label=remora.role=toolkit', '--filter', `label=remora.target=${targetId}`).split('\n')[0];

  const results = { untraced: [], docker: [], dockerDetailed: [], cli: [], tui: [] };
  const dockerStrace = (flags) => ['exec', toolkit, 'timeout', '-s', 'INT', String(SECONDS), 'strace', ...flags, '-p', '1'];
  const title = `strace on dd bs=1 (read+write per byte), ${loadAverage()}`;
  for (let round = 0; round < ROUNDS; round++) {
    results.untraced.push(await untracedRate(hostPid));
    // strace detaches on SIGINT; timeout sends it inside the toolkit, so nothing is left attached.
    results.docker.push(await measureChild(hostPid, 'docker', dockerStrace(['-f']), 'stderr', false));
    results.dockerDetailed.push(await measureChild(hostPid, 'docker', dockerStrace(['-f', '-tt', '-T', '-yy']), 'stderr', false));
    results.cli.push(await measureChild(hostPid, REMORA, ['strace', target, '--duration', `${SECONDS}s`], 'stdout', true));
    results.tui.push(await measureTui(hostPid, target));
  }

  const med = (list, key) => {
    const values = list.map((r) => (key ? r[key] : r)).filter((v) => v !== undefined);
    return values.length ? median(values) : undefined;
  };
  const untraced = med(results.untraced);
  const dockerRate = med(results.docker, 'rate');
  const dockerDetailedRate = med(results.dockerDetailed, 'rate');
  const k = (v) => (v === undefined ? 'n/a' : `${(v / 1000).toFixed(1)}k`);
  const row = (name, list, versus) => {
    const rate = med(list, 'rate');
    const targetRate = med(list, 'targetRate');
    const cpu = med(list, 'cpu');
    const rss = med(list, 'rssMiB');
    return [
      name,
      k(rate),
      versus ? (rate / versus).toFixed(2) : 'n/a',
      targetRate === undefined ? 'n/a' : (rate / targetRate).toFixed(2),
      k(targetRate),
      untraced && targetRate ? `${(untraced / targetRate).toFixed(0)}x` : 'n/a',
      cpu === undefined ? '' : `${cpu.toFixed(0)}%`,
      rss === undefined ? '' : rss.toFixed(0),
    ];
  };
  const rows = [
    ['untraced target', '', '', '', k(untraced), '1x', '', ''],
    row('docker exec <toolkit> strace -f -p 1', results.docker, dockerRate),
    row('remora strace T', results.cli, dockerRate),
    row('docker exec <toolkit> strace -f -tt -T -yy -p 1', results.dockerDetailed, dockerDetailedRate),
    row('remora attach T, Trace view (-tt -T -yy)', results.tui, dockerDetailedRate),
  ];
  printTable(
    `${title} (medians of ${ROUNDS} runs of ${SECONDS} s; now ${loadAverage()})`,
    ['case', 'events/s', 'vs docker', 'seen', 'target calls/s', 'slowdown', 'remora CPU', 'RSS MiB'],
    rows,
  );
  return {
    untraced,
    docker: dockerRate,
    dockerDetailed: dockerDetailedRate,
    cli: med(results.cli, 'rate'),
    tui: med(results.tui, 'rate'),
    cliTarget: med(results.cli, 'targetRate'),
    tuiTarget: med(results.tui, 'targetRate'),
    dockerTarget: med(results.docker, 'targetRate'),
  };
}

await runAlone(import.meta.url, benchStrace);
