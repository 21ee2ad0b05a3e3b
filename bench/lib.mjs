// Shared bench helpers: time whole commands (wall clock, as a user waits), take medians,
// print side-by-side tables. Benches compare with the docker CLI in the same run.
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

export const REMORA = fileURLToPath(new URL('../bin/remora', import.meta.url));
// REMORA_BENCH_ID keeps benches run side by side on one engine apart: their containers'
// names and label carry it, and each run removes only its own.
const BENCH_ID = process.env.REMORA_BENCH_ID ?? '1';
export const BENCH_LABEL = `remora.bench=${BENCH_ID}`;

export function run(cmd, args, options = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30, ...options });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0 && !options.allowFailure) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${result.status}): ${String(result.stderr).slice(0, 500)}`);
  }
  return { ms, stdout: String(result.stdout), stderr: String(result.stderr), status: result.status };
}

export function docker(...args) {
  return run('docker', args).stdout.trim();
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs each contender `rounds` times, interleaved so machine noise hits both alike. */
export function compare(rounds, contenders) {
  const times = contenders.map(() => []);
  for (let i = 0; i < rounds; i++) {
    contenders.forEach((c, k) => {
      c.before?.();
      times[k].push(c.run());
      c.after?.();
    });
  }
  return times.map(median);
}

export function printTable(title, headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells
      .map((c, i) => String(c).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  console.log(`\n${title}`);
  console.log(line(headers));
  for (const row of rows) console.log(line(row));
}

export function ratio(a, b) {
  return (a / b).toFixed(2);
}

/**
 * Starts a labelled target for a bench (the demo app, or `image` running `command`);
 * returns its name.
 */
export function startBenchTarget(baseName, extra = [], { image = 'remora-demo:0.1.0', command = [] } = {}) {
  const name = BENCH_ID === '1' ? baseName : `${BENCH_ID}-${baseName}`;
  // Only a bench container of an earlier run is in the way; anyone else's name is not ours.
  const earlier = docker('ps', '-aq', '--filter', `name=^${name}$`, '--filter', `label=${BENCH_LABEL}`);
  if (earlier) run('docker', ['rm', '-f', earlier], { allowFailure: true });
  docker('run', '-d', '--name', name, '--label', BENCH_LABEL, ...extra, image, ...command);
  return name;
}

export function removeBenchContainers() {
  const ids = docker('ps', '-aq', '--filter', `label=${BENCH_LABEL}`).split('\n').filter(Boolean);
  if (ids.length) run('docker', ['rm', '-f', ...ids], { allowFailure: true });
}

/** Builds the toolkit and demo images through remora itself (what a user's first run does). */
export function ensureImages() {
  // A private toolkit tag (REMORA_TOOLKIT_IMAGE) is built by the test suite's global setup
  // from this checkout; `toolkit build` only builds Remora's own tag.
  const privateToolkit = process.env.REMORA_TOOLKIT_IMAGE;
  if (privateToolkit) {
    if (!docker('images', '-q', privateToolkit))
      throw new Error(`${privateToolkit} is missing: run a test (npx vitest run test/integration/ps.test.ts) to build it`);
  } else {
    run(REMORA, ['toolkit', 'build', '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  // Non-interactive `remora demo` builds the demo image and starts remora-demo; the benches
  // start targets of their own from that image, so the demo container goes right away.
  // A remora-demo the user already had (demo --keep) is left alone.
  const hadDemo = docker('ps', '-aq', '--filter', 'name=^remora-demo$') !== '';
  run(REMORA, ['demo', '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (!hadDemo) run('docker', ['rm', '-f', 'remora-demo'], { allowFailure: true });
}

/**
 * A bench run by itself (`node bench/ps.mjs`): builds the images if they are missing, and
 * removes its containers after. `npm run bench` does both once for all of them instead.
 */
export async function runAlone(moduleUrl, bench) {
  if (process.argv[1] !== fileURLToPath(moduleUrl)) return;
  if (!docker('images', '-q', 'remora-demo:0.1.0') || !docker('images', '-q', process.env.REMORA_TOOLKIT_IMAGE ?? 'remora-toolkit:0.1.0'))
    ensureImages();
  try {
    await bench();
  } finally {
    removeBenchContainers();
  }
}

/**
 * Another build of remora to time beside this one (`BENCH_REMORA_BEFORE=/path/to/bin/remora`,
 * e.g. main's code, built in its own checkout), with its own toolkit image
 * (`BENCH_BEFORE_TOOLKIT_IMAGE`): before and after in the same run. Undefined when not asked.
 */
export function beforeBuild() {
  const bin = process.env.BENCH_REMORA_BEFORE;
  if (!bin) return undefined;
  const toolkit = process.env.BENCH_BEFORE_TOOLKIT_IMAGE;
  const env = { ...process.env, ...(toolkit ? { REMORA_TOOLKIT_IMAGE: toolkit } : {}) };
  return { bin, env, toolkit };
}

/** Wall time and peak RSS (KiB) of one run of a remora build, measured by /usr/bin/time. */
export function timedWithRss(bin, args, options = {}) {
  if (!existsSync('/usr/bin/time')) return { ms: run(bin, args, options).ms, rssKiB: NaN };
  const result = run('/usr/bin/time', ['-f', 'RSS %M', bin, ...args], options);
  const rss = /RSS (\d+)\s*$/.exec(result.stderr);
  return { ms: result.ms, rssKiB: rss ? Number(rss[1]) : NaN };
}

/** Random data (incompressible), written in 4 MiB blocks. */
export function makeBigFile(path, bytes) {
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(4 * 1024 * 1024);
  for (let left = bytes; left > 0; left -= block.length) {
    randomFillSync(block);
    writeSync(fd, block, 0, Math.min(block.length, left));
  }
  closeSync(fd);
}

/** The load average, as uptime shows it, for a table's title: figures on a busy machine read differently. */
export function loadAverage() {
  return `load average ${loadavg()
    .map((n) => n.toFixed(2))
    .join(', ')}`;
}
