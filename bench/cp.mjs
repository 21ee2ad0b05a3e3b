// `remora cp` against `docker cp` in the same run, on files both can reach (the overlay
// root): a large file each way, a tree of many small files each way, and remora's peak
// resident memory during the large copies (512 MiB, as issue 14 measures). Goals (issue
// 14): time <= 1.0x docker cp each way, peak memory < 150 MB. Run alone: `node bench/cp.mjs` (after `npm run build`);
// BENCH_CP_BYTES, BENCH_CP_FILES and BENCH_CP_ROUNDS shrink it for a quick look.
import { randomFillSync } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REMORA, compare, printTable, run, runAlone, startBenchTarget } from './lib.mjs';

const BYTES = Number(process.env.BENCH_CP_BYTES ?? 512 * 1024 ** 2);
const FILES = Number(process.env.BENCH_CP_FILES ?? 20_000);
const ROUNDS = Number(process.env.BENCH_CP_ROUNDS ?? 3);

function human(bytes) {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}

/** Random data (incompressible), written in 4 MiB blocks. */
function makeBigFile(path, bytes) {
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(4 * 1024 * 1024);
  for (let left = bytes; left > 0; left -= block.length) {
    randomFillSync(block);
    writeSync(fd, block, 0, Math.min(block.length, left));
  }
  closeSync(fd);
}

function makeTree(dir, files) {
  for (let i = 0; i < files; i++) {
    const sub = join(dir, `d${Math.floor(i / 500)}`);
    if (i % 500 === 0) mkdirSync(sub, { recursive: true });
    const fd = openSync(join(sub, `f${i}.txt`), 'w');
    writeSync(fd, `small file ${i}\n`.repeat(1 + (i % 50)));
    closeSync(fd);
  }
}

/** Wall time and peak RSS (KiB) of one remora run, measured by /usr/bin/time. */
function remoraTimed(args) {
  if (!existsSync('/usr/bin/time')) return { ms: run(REMORA, [...args]).ms, rssKiB: NaN };
  const result = run('/usr/bin/time', ['-f', 'RSS %M', REMORA, ...args]);
  const rss = /RSS (\d+)\s*$/.exec(result.stderr);
  return { ms: result.ms, rssKiB: rss ? Number(rss[1]) : NaN };
}

export default async function benchCp() {
  const target = startBenchTarget('remora-bench-cp');
  const work = mkdtempSync(join(tmpdir(), 'remora-bench-cp-'));
  const inToolkit = (script) => run(REMORA, ['exec', '--quiet', target, '--', 'sh', '-c', script]);
  try {
    const big = join(work, 'big.bin');
    const tree = join(work, 'tree');
    makeBigFile(big, BYTES);
    makeTree(tree, FILES);
    // The same source on the target side, put there once by docker cp.
    inToolkit('mkdir -p /target/bench');
    run('docker', ['cp', big, `${target}:/bench/big.bin`]);
    run('docker', ['cp', tree, `${target}:/bench/tree`]);
    // Warm up: the session exists for the measured runs, as in normal use.
    run(REMORA, ['cp', '--quiet', `${target}:/etc/hostname`, join(work, 'warm')]);

    const rss = [];
    const timedRemora = (args) => () => {
      const { ms, rssKiB } = remoraTimed(args);
      rss.push(rssKiB);
      return ms;
    };
    const clearLocal =
      (...paths) =>
      () =>
        paths.forEach((p) => rmSync(p, { recursive: true, force: true }));
    const clearTarget =
      (...paths) =>
      () =>
        inToolkit(`rm -rf ${paths.map((p) => `/target${p}`).join(' ')}`);

    const [outR, outD] = compare(ROUNDS, [
      {
        run: timedRemora(['cp', '--quiet', `${target}:/bench/big.bin`, join(work, 'out-r.bin')]),
        after: clearLocal(join(work, 'out-r.bin')),
      },
      {
        run: () => run('docker', ['cp', '-q', `${target}:/bench/big.bin`, join(work, 'out-d.bin')]).ms,
        after: clearLocal(join(work, 'out-d.bin')),
      },
    ]);
    const [inR, inD] = compare(ROUNDS, [
      { run: timedRemora(['cp', '--quiet', big, `${target}:/bench/in-r.bin`]), after: clearTarget('/bench/in-r.bin') },
      { run: () => run('docker', ['cp', '-q', big, `${target}:/bench/in-d.bin`]).ms, after: clearTarget('/bench/in-d.bin') },
    ]);
    const bigRss = Math.max(...rss.filter(Number.isFinite));
    const [treeOutR, treeOutD] = compare(ROUNDS, [
      {
        run: () => run(REMORA, ['cp', '--quiet', `${target}:/bench/tree`, join(work, 'tree-r')]).ms,
        after: clearLocal(join(work, 'tree-r')),
      },
      { run: () => run('docker', ['cp', '-q', `${target}:/bench/tree`, join(work, 'tree-d')]).ms, after: clearLocal(join(work, 'tree-d')) },
    ]);
    const [treeInR, treeInD] = compare(ROUNDS, [
      { run: () => run(REMORA, ['cp', '--quiet', tree, `${target}:/bench/tree-in-r`]).ms, after: clearTarget('/bench/tree-in-r') },
      { run: () => run('docker', ['cp', '-q', tree, `${target}:/bench/tree-in-d`]).ms, after: clearTarget('/bench/tree-in-d') },
    ]);

    const rate = (ms) => `${(BYTES / 1024 ** 2 / (ms / 1000)).toFixed(0)} MiB/s`;
    const row = (name, r, d, showRate) => [
      name,
      (r / 1000).toFixed(2),
      (d / 1000).toFixed(2),
      showRate ? `${rate(r)} vs ${rate(d)}` : '',
      (d / r).toFixed(2),
      '>= 1.0',
    ];
    printTable(
      `remora cp vs docker cp (medians of ${ROUNDS}; throughput = docker time / remora time)`,
      ['case', 'remora s', 'docker s', 'rate', 'throughput', 'goal'],
      [
        row(`copy-out, one ${human(BYTES)} file`, outR, outD, true),
        row(`copy-in, one ${human(BYTES)} file`, inR, inD, true),
        row(`copy-out, ${FILES} small files`, treeOutR, treeOutD, false),
        row(`copy-in, ${FILES} small files`, treeInR, treeInD, false),
      ],
    );
    printTable(
      'remora peak resident memory (max over the large-file runs, /usr/bin/time)',
      ['case', 'peak RSS', 'goal'],
      [[`${human(BYTES)} each way`, `${(bigRss / 1024).toFixed(0)} MiB`, '< 150 MB']],
    );
    return { outR, outD, inR, inD, treeOutR, treeOutD, treeInR, treeInD, bigRss, bigLabel: human(BYTES), files: FILES };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await runAlone(import.meta.url, benchCp);
