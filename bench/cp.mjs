// `remora cp` against `docker cp` in the same run, on files both can reach (the overlay
// root): a large file each way (512 MiB, as issue 14 measures: the archive route), a tree of
// many small files each way (the exec stream), and remora's peak resident memory while it
// copies a 5 GiB file each way. With BENCH_REMORA_BEFORE (another build, e.g. main's; see
// beforeBuild in lib.mjs) that build is timed too, interleaved, in the same run. Goals
// (issue 14): time <= 1.0x docker cp each way, peak memory < 150 MB. Run alone:
// `node bench/cp.mjs` (after `npm run build`); BENCH_CP_BYTES, BENCH_CP_FILES,
// BENCH_CP_ROUNDS and BENCH_CP_RSS_BYTES (0: skip) shrink it for a quick look.
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  REMORA,
  beforeBuild,
  compare,
  loadAverage,
  makeBigFile,
  printTable,
  run,
  runAlone,
  startBenchTarget,
  timedWithRss,
} from './lib.mjs';

const BYTES = Number(process.env.BENCH_CP_BYTES ?? 512 * 1024 ** 2);
const FILES = Number(process.env.BENCH_CP_FILES ?? 20_000);
const ROUNDS = Number(process.env.BENCH_CP_ROUNDS ?? 3);
const RSS_BYTES = Number(process.env.BENCH_CP_RSS_BYTES ?? 5 * 1024 ** 3);

function human(bytes) {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
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

export default async function benchCp() {
  const target = startBenchTarget('remora-bench-cp');
  const work = mkdtempSync(join(tmpdir(), 'remora-bench-cp-'));
  const before = beforeBuild();
  const inToolkit = (script) => run(REMORA, ['exec', '--quiet', target, '--', 'sh', '-c', script]);
  const load = { start: loadAverage() };
  try {
    const big = join(work, 'big.bin');
    const tree = join(work, 'tree');
    makeBigFile(big, BYTES);
    makeTree(tree, FILES);
    // The same source on the target side, put there once by docker cp.
    inToolkit('mkdir -p /target/bench');
    run('docker', ['cp', big, `${target}:/bench/big.bin`]);
    run('docker', ['cp', tree, `${target}:/bench/tree`]);
    // Warm up: the sessions exist for the measured runs, as in normal use.
    run(REMORA, ['cp', '--quiet', `${target}:/etc/hostname`, join(work, 'warm')]);
    if (before) run(before.bin, ['cp', '--quiet', `${target}:/etc/hostname`, join(work, 'warm-before')], { env: before.env });

    const rss = [];
    const timed = (bin, env) => (args) => () => {
      const { ms, rssKiB } = timedWithRss(bin, args, env ? { env } : {});
      rss.push(rssKiB);
      return ms;
    };
    const after = timed(REMORA);
    const old = before ? timed(before.bin, before.env) : undefined;
    const clearLocal =
      (...paths) =>
      () =>
        paths.forEach((p) => rmSync(p, { recursive: true, force: true }));
    const clearTarget =
      (...paths) =>
      () =>
        inToolkit(`rm -rf ${paths.map((p) => `/target${p}`).join(' ')}`);
    const docker = (args) => () => run('docker', args).ms;
    /** [after, docker, before?]: the before build last, and only when asked. */
    const three = (a, d, b) => (old ? [a, d, b] : [a, d]);

    const [outR, outD, outB] = compare(
      ROUNDS,
      three(
        { run: after(['cp', '--quiet', `${target}:/bench/big.bin`, join(work, 'out-r.bin')]), after: clearLocal(join(work, 'out-r.bin')) },
        { run: docker(['cp', '-q', `${target}:/bench/big.bin`, join(work, 'out-d.bin')]), after: clearLocal(join(work, 'out-d.bin')) },
        { run: old?.(['cp', '--quiet', `${target}:/bench/big.bin`, join(work, 'out-b.bin')]), after: clearLocal(join(work, 'out-b.bin')) },
      ),
    );
    const [inR, inD, inB] = compare(
      ROUNDS,
      three(
        { run: after(['cp', '--quiet', big, `${target}:/bench/in-r.bin`]), after: clearTarget('/bench/in-r.bin') },
        { run: docker(['cp', '-q', big, `${target}:/bench/in-d.bin`]), after: clearTarget('/bench/in-d.bin') },
        { run: old?.(['cp', '--quiet', big, `${target}:/bench/in-b.bin`]), after: clearTarget('/bench/in-b.bin') },
      ),
    );
    const bigRss = Math.max(...rss.filter(Number.isFinite));
    const runOf = (bin, env) => (args) => () => run(bin, args, env ? { env } : {}).ms;
    const afterPlain = runOf(REMORA);
    const oldPlain = before ? runOf(before.bin, before.env) : undefined;
    const [treeOutR, treeOutD, treeOutB] = compare(
      ROUNDS,
      three(
        { run: afterPlain(['cp', '--quiet', `${target}:/bench/tree`, join(work, 'tree-r')]), after: clearLocal(join(work, 'tree-r')) },
        { run: docker(['cp', '-q', `${target}:/bench/tree`, join(work, 'tree-d')]), after: clearLocal(join(work, 'tree-d')) },
        { run: oldPlain?.(['cp', '--quiet', `${target}:/bench/tree`, join(work, 'tree-b')]), after: clearLocal(join(work, 'tree-b')) },
      ),
    );
    const [treeInR, treeInD, treeInB] = compare(
      ROUNDS,
      three(
        { run: afterPlain(['cp', '--quiet', tree, `${target}:/bench/tree-in-r`]), after: clearTarget('/bench/tree-in-r') },
        { run: docker(['cp', '-q', tree, `${target}:/bench/tree-in-d`]), after: clearTarget('/bench/tree-in-d') },
        { run: oldPlain?.(['cp', '--quiet', tree, `${target}:/bench/tree-in-b`]), after: clearTarget('/bench/tree-in-b') },
      ),
    );

    // Peak memory on a 5 GiB file each way (sparse locally: its zeros cost no disk to make,
    // and the copy reads and sends all of them). Once each: it is memory, not time, that counts.
    let rssIn = NaN;
    let rssOut = NaN;
    if (RSS_BYTES > 0) {
      rmSync(big);
      const huge = join(work, 'huge.bin');
      const fd = openSync(huge, 'w');
      ftruncateSync(fd, RSS_BYTES);
      closeSync(fd);
      rssIn = timedWithRss(REMORA, ['cp', '--quiet', huge, `${target}:/bench/huge.bin`]).rssKiB;
      rmSync(huge);
      rssOut = timedWithRss(REMORA, ['cp', '--quiet', `${target}:/bench/huge.bin`, huge]).rssKiB;
      rmSync(huge);
      inToolkit('rm -f /target/bench/huge.bin');
    }
    load.end = loadAverage();

    const rate = (ms) => `${(BYTES / 1024 ** 2 / (ms / 1000)).toFixed(0)} MiB/s`;
    const row = (name, r, d, showRate) => [
      name,
      (r / 1000).toFixed(2),
      (d / 1000).toFixed(2),
      showRate ? `${rate(r)} vs ${rate(d)}` : '',
      (r / d).toFixed(2),
      '<= 1.0',
    ];
    const rows = [
      row(`copy-out, one ${human(BYTES)} file`, outR, outD, true),
      row(`copy-in, one ${human(BYTES)} file`, inR, inD, true),
      row(`copy-out, ${FILES} small files`, treeOutR, treeOutD, false),
      row(`copy-in, ${FILES} small files`, treeInR, treeInD, false),
    ];
    if (before) {
      rows.push(row(`  before: copy-out, one ${human(BYTES)} file`, outB, outD, true));
      rows.push(row(`  before: copy-in, one ${human(BYTES)} file`, inB, inD, true));
      rows.push(row(`  before: copy-out, ${FILES} small files`, treeOutB, treeOutD, false));
      rows.push(row(`  before: copy-in, ${FILES} small files`, treeInB, treeInD, false));
    }
    printTable(
      `remora cp vs docker cp (medians of ${ROUNDS}, interleaved; ratio = remora time / docker time${before ? `; before = ${before.bin}` : ''}; ${load.start} -> ${load.end.replace('load average ', '')})`,
      ['case', 'remora s', 'docker s', 'rate', 'ratio', 'goal'],
      rows,
    );
    const mib = (kib) => `${(kib / 1024).toFixed(0)} MiB`;
    printTable(
      'remora peak resident memory (/usr/bin/time)',
      ['case', 'peak RSS', 'goal'],
      [
        [`${human(BYTES)} each way, max`, mib(bigRss), '< 150 MB'],
        ...(RSS_BYTES > 0
          ? [
              [`copy-in, ${human(RSS_BYTES)}`, mib(rssIn), '< 150 MB'],
              [`copy-out, ${human(RSS_BYTES)}`, mib(rssOut), '< 150 MB'],
            ]
          : []),
      ],
    );
    return {
      outR,
      outD,
      inR,
      inD,
      outB,
      inB,
      treeOutR,
      treeOutD,
      treeInR,
      treeInD,
      bigRss,
      rssIn,
      rssOut,
      bigLabel: human(BYTES),
      rssLabel: human(RSS_BYTES),
      files: FILES,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await runAlone(import.meta.url, benchCp);
