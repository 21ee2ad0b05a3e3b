// Remora over ssh:// against `docker -H ssh://…` in the same run: a warm `exec -- true`
// and a large copy each way. Goals (issue 10): warm exec ratio <= 1.3, copy throughput
// >= 1.0x docker cp. Needs an ssh alias whose host runs this engine (.ci/start-sshd makes
// remora-test-ssh). Run: `node bench/ssh.mjs` after `npm run build`; BENCH_SSH_HOST,
// BENCH_SSH_BYTES and BENCH_ROUNDS change it.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REMORA, beforeBuild, compare, docker, loadAverage, makeBigFile, printTable, ratio, run } from './lib.mjs';

const HOST = process.env.BENCH_SSH_HOST ?? 'ssh://remora-test-ssh';
const BYTES = Number(process.env.BENCH_SSH_BYTES ?? 200 * 1024 ** 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const COPY_ROUNDS = Number(process.env.BENCH_SSH_COPY_ROUNDS ?? 3);
// A label of this bench and run alone (REMORA_BENCH_ID, as in lib.mjs): cleaning up never
// touches another bench's containers.
const BENCH_ID = process.env.REMORA_BENCH_ID ?? '1';
const LABEL = `remora.bench=ssh-${BENCH_ID}`;

export default async function benchSsh() {
  if (run('ssh', ['-o', 'BatchMode=yes', HOST.replace(/^ssh:\/\//, ''), 'true'], { allowFailure: true }).status !== 0) {
    console.log(`\nssh bench skipped: ${HOST} does not log in without a prompt (.ci/start-sshd sets up remora-test-ssh)`);
    return;
  }
  const target = BENCH_ID === '1' ? 'remora-bench-ssh' : `${BENCH_ID}-remora-bench-ssh`;
  const earlier = docker('ps', '-aq', '--filter', `label=${LABEL}`);
  if (earlier) run('docker', ['rm', '-f', ...earlier.split('\n')], { allowFailure: true });
  docker('run', '-d', '--name', target, '--label', LABEL, 'remora-demo:0.1.0');
  const work = mkdtempSync(join(tmpdir(), 'remora-bench-ssh-'));
  try {
    // Warm: a session exists and the ssh master is up; both run `true` in the toolkit.
    run(REMORA, ['exec', '-H', HOST, target, '--', 'true']);
    const targetId = docker('inspect', '-f', '{{.Id}}', target);
    const toolkit = docker('ps', '-q', '--filter', 'label=remora.role=toolkit', '--filter', `label=remora.target=${targetId}`).split(
      '\n',
    )[0];
    const [warmRemora, warmDocker] = compare(ROUNDS, [
      { run: () => run(REMORA, ['exec', '-H', HOST, target, '--', 'true']).ms },
      { run: () => run('docker', ['-H', HOST, 'exec', toolkit, 'true']).ms },
    ]);

    const big = join(work, 'big.bin');
    makeBigFile(big, BYTES);
    const back = join(work, 'back.bin');
    run(REMORA, ['exec', '-H', HOST, target, '--', 'mkdir', '-p', '/target/bench']);
    // Another build (BENCH_REMORA_BEFORE, lib.mjs) copies too, interleaved, once its session is warm.
    const before = beforeBuild();
    if (before) run(before.bin, ['exec', '-H', HOST, target, '--', 'true'], { env: before.env });
    const beforeCp = (from, to) => () => run(before.bin, ['cp', '-H', HOST, from, to], { env: before.env }).ms;
    const withBefore = (list, extra) => (before ? [...list, extra] : list);
    const [inRemora, inDocker, inBefore] = compare(
      COPY_ROUNDS,
      withBefore(
        [
          { run: () => run(REMORA, ['cp', '-H', HOST, big, `${target}:/bench/in-remora.bin`]).ms },
          { run: () => run('docker', ['-H', HOST, 'cp', big, `${target}:/bench/in-docker.bin`]).ms },
        ],
        { run: before && beforeCp(big, `${target}:/bench/in-before.bin`) },
      ),
    );
    const [outRemora, outDocker, outBefore] = compare(
      COPY_ROUNDS,
      withBefore(
        [
          { run: () => run(REMORA, ['cp', '-H', HOST, `${target}:/bench/in-remora.bin`, back]).ms, after: () => checkSize(back) },
          { run: () => run('docker', ['-H', HOST, 'cp', `${target}:/bench/in-docker.bin`, back]).ms, after: () => checkSize(back) },
        ],
        { run: before && beforeCp(`${target}:/bench/in-before.bin`, back), after: () => checkSize(back) },
      ),
    );
    const mibps = (ms) => (BYTES / 1024 ** 2 / (ms / 1000)).toFixed(0);
    printTable(
      `remora vs docker over ${HOST} (medians of ${ROUNDS} exec runs, ${COPY_ROUNDS} copies of ${Math.round(BYTES / 1024 ** 2)} MiB; ${loadAverage()})`,
      ['case', 'remora', 'docker', 'ratio', 'goal'],
      [
        ['warm: exec true (ms)', warmRemora.toFixed(0), warmDocker.toFixed(0), ratio(warmRemora, warmDocker), 'time <= 1.3x'],
        ['copy in (MiB/s)', mibps(inRemora), mibps(inDocker), ratio(inDocker, inRemora), 'throughput >= 1.0x'],
        ['copy out (MiB/s)', mibps(outRemora), mibps(outDocker), ratio(outDocker, outRemora), 'throughput >= 1.0x'],
        ...(before
          ? [
              ['  before: copy in (MiB/s)', mibps(inBefore), mibps(inDocker), ratio(inDocker, inBefore), ''],
              ['  before: copy out (MiB/s)', mibps(outBefore), mibps(outDocker), ratio(outDocker, outBefore), ''],
            ]
          : []),
      ],
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
    run(REMORA, ['detach', target], { allowFailure: true });
    const ids = docker('ps', '-aq', '--filter', `label=${LABEL}`);
    if (ids) run('docker', ['rm', '-f', ...ids.split('\n')], { allowFailure: true });
  }
}

function checkSize(path) {
  const size = statSync(path).size;
  if (size !== BYTES) throw new Error(`copied ${size} bytes, expected ${BYTES}`);
  rmSync(path);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchSsh();
