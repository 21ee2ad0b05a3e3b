// Candidate routes for a large `remora cp`, measured before one is built (issue 14): each is
// put together from docker CLI calls against the toolkit of remora's own session, so the
// figures are a floor for a route built into remora (a docker CLI process starts faster than
// remora does). Side by side in the same run, interleaved, for one large file each way:
//   docker    `docker cp` into / out of the target: the goal to meet (ratio <= 1.0)
//   exec      `remora cp` as it is today: every byte through the exec stdin/stdout relay
//   staged    archive PUT/GET into the toolkit's own filesystem, then an in-kernel copy
//             (coreutils cp: copy_file_range) between it and the target's root, and a rename
//   direct    archive PUT straight into the target under a hidden name, then a rename;
//             out: the path checked by remora-fs in the toolkit, then the target's archive
// Run: `npm run bench -- cp-routes` or, after `npm run build`, `node bench/cp-routes.mjs`
// (BENCH_CP_BYTES, BENCH_CP_ROUNDS shrink it). Not part of a plain `npm run bench`.
import { randomFillSync } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REMORA, compare, docker, median, printTable, ratio, run, runAlone, startBenchTarget } from './lib.mjs';

const BYTES = Number(process.env.BENCH_CP_BYTES ?? 512 * 1024 ** 2);
const ROUNDS = Number(process.env.BENCH_CP_ROUNDS ?? 5);

function makeBigFile(path, bytes) {
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(4 * 1024 * 1024);
  for (let left = bytes; left > 0; left -= block.length) {
    randomFillSync(block);
    writeSync(fd, block, 0, Math.min(block.length, left));
  }
  closeSync(fd);
}

/** The toolkit container of remora's session on the target (started by a first remora cp). */
function sessionToolkit(target) {
  const id = docker('inspect', '-f', '{{.Id}}', target);
  const found = docker('ps', '-q', '--filter', `label=remora.target=${id}`, '--filter', 'label=remora.role=toolkit')
    .split('\n')
    .filter(Boolean);
  if (found.length !== 1) throw new Error(`expected one toolkit for ${target}, found ${found.length}`);
  const pid = docker('inspect', '-f', '{{index .Config.Labels "remora.target-root-pid"}}', found[0]);
  return { id: found[0], root: `/proc/${pid}/root` };
}

export default async function benchCpRoutes() {
  const target = startBenchTarget('remora-bench-cp-routes');
  const work = mkdtempSync(join(tmpdir(), 'remora-bench-cp-routes-'));
  const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
  try {
    const big = join(work, 'big.bin');
    makeBigFile(big, BYTES);
    run(REMORA, ['exec', '--quiet', target, '--', 'mkdir', '-p', '/target/bench']);
    run('docker', ['cp', big, `${target}:/bench/src.bin`]);
    const tk = sessionToolkit(target);
    const inTk = (...cmd) => run('docker', ['exec', tk.id, ...cmd]);
    const clearTarget = () => inTk('sh', '-c', `rm -f ${tk.root}/bench/in-* ${tk.root}/bench/.remora-tmp-*`);
    const clearLocal = () => rmSync(join(work, 'out.bin'), { force: true });
    // The in-kernel part of the staged routes, timed on its own (with its docker exec).
    const kernelIn = [];
    const kernelOut = [];

    const [inDocker, inExec, inStaged, inDirect] = compare(ROUNDS, [
      { run: () => run('docker', ['cp', '-q', big, `${target}:/bench/in-d.bin`]).ms, after: clearTarget },
      { run: () => run(REMORA, ['cp', '--quiet', big, `${target}:/bench/in-r.bin`]).ms, after: clearTarget },
      {
        run: () => {
          const start = process.hrtime.bigint();
          run('docker', ['cp', '-q', big, `${tk.id}:/tmp/remora-stage.bin`]);
          const put = ms(start);
          const tmp = `${tk.root}/bench/.remora-tmp-s`;
          inTk('sh', '-c', `cp /tmp/remora-stage.bin ${tmp} && mv ${tmp} ${tk.root}/bench/in-s.bin && rm /tmp/remora-stage.bin`);
          const total = ms(start);
          kernelIn.push(total - put);
          return total;
        },
        after: clearTarget,
      },
      {
        run: () => {
          const start = process.hrtime.bigint();
          run('docker', ['cp', '-q', big, `${target}:/bench/.remora-tmp-x`]);
          inTk('mv', `${tk.root}/bench/.remora-tmp-x`, `${tk.root}/bench/in-x.bin`);
          return ms(start);
        },
        after: clearTarget,
      },
    ]);
    const out = join(work, 'out.bin');
    const [outDocker, outExec, outStaged, outDirect] = compare(ROUNDS, [
      { run: () => run('docker', ['cp', '-q', `${target}:/bench/src.bin`, out]).ms, after: clearLocal },
      { run: () => run(REMORA, ['cp', '--quiet', `${target}:/bench/src.bin`, out]).ms, after: clearLocal },
      {
        run: () => {
          const start = process.hrtime.bigint();
          inTk('cp', `${tk.root}/bench/src.bin`, '/tmp/remora-stage.bin');
          kernelOut.push(ms(start));
          run('docker', ['cp', '-q', `${tk.id}:/tmp/remora-stage.bin`, out]);
          inTk('rm', '-f', '/tmp/remora-stage.bin');
          return ms(start);
        },
        after: clearLocal,
      },
      {
        // The path checked inside the target's root first (what remora-fs stat does), then
        // the target's own archive: what a route for files on its image layer or volumes pays.
        run: () => {
          const start = process.hrtime.bigint();
          inTk('/opt/remora/bin/remora-fs', 'stat', tk.root, '/bench/src.bin');
          run('docker', ['cp', '-q', `${target}:/bench/src.bin`, out]);
          return ms(start);
        },
        after: clearLocal,
      },
    ]);
    const row = (name, t, d) => [name, t.toFixed(0), ratio(t, d)];
    const mib = Math.round(BYTES / 1024 ** 2);
    printTable(
      `cp routes for one ${mib} MiB file (medians of ${ROUNDS}, interleaved; ratio = time / docker cp time, goal <= 1.0)`,
      ['route', 'ms', 'ratio'],
      [
        row('in: docker cp', inDocker, inDocker),
        row('in: remora cp today (exec relay)', inExec, inDocker),
        row('in: staged (PUT toolkit + kernel copy + rename)', inStaged, inDocker),
        row(`  of which kernel copy + rename (docker exec)`, median(kernelIn), inDocker),
        row('in: direct (PUT target hidden name + rename)', inDirect, inDocker),
        row('out: docker cp', outDocker, outDocker),
        row('out: remora cp today (exec relay)', outExec, outDocker),
        row('out: staged (kernel copy + GET toolkit)', outStaged, outDocker),
        row(`  of which kernel copy (docker exec)`, median(kernelOut), outDocker),
        row('out: direct (stat in toolkit + GET target)', outDirect, outDocker),
      ],
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await runAlone(import.meta.url, benchCpRoutes);
