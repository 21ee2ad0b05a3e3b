// `remora cp` over a tcp+TLS engine against `docker --tlsverify … cp` in the same run: a
// large file each way (issue 14 asks for the copy throughput there). Needs the TLS dockerd
// of .ci/start-tls-dockerd (127.0.0.1:2376, certificates in /var/lib/remora-ci/tls); that
// engine starts with no images, so the demo image and the toolkit image(s) are copied there
// for the run and removed after (those that were not there before). With
// BENCH_REMORA_BEFORE, that build is timed too (lib.mjs beforeBuild). Run alone:
// `node bench/tls.mjs` after `npm run build`; BENCH_TLS_BYTES and BENCH_CP_ROUNDS shrink it.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REMORA, beforeBuild, compare, loadAverage, makeBigFile, printTable, run } from './lib.mjs';

const CERTS = process.env.BENCH_TLS_CERTS ?? '/var/lib/remora-ci/tls';
const HOST = process.env.BENCH_TLS_HOST ?? 'tcp://127.0.0.1:2376';
const BYTES = Number(process.env.BENCH_TLS_BYTES ?? 512 * 1024 ** 2);
const ROUNDS = Number(process.env.BENCH_CP_ROUNDS ?? 3);
const FLAGS = [
  '-H',
  HOST,
  '--tlsverify',
  '--tlscacert',
  join(CERTS, 'ca.pem'),
  '--tlscert',
  join(CERTS, 'cert.pem'),
  '--tlskey',
  join(CERTS, 'key.pem'),
];
const BENCH_ID = process.env.REMORA_BENCH_ID ?? '1';
const LABEL = `remora.bench=tls-${BENCH_ID}`;

const tlsDocker = (args, options) => run('docker', [...FLAGS, ...args], options);

export default async function benchTls() {
  if (!existsSync(join(CERTS, 'ca.pem')) || tlsDocker(['version'], { allowFailure: true }).status !== 0) {
    console.log(`\nTLS bench skipped: no TLS engine at ${HOST} with the certificates of ${CERTS} (.ci/start-tls-dockerd)`);
    return undefined;
  }
  const before = beforeBuild();
  const images = ['remora-demo:0.1.0', process.env.REMORA_TOOLKIT_IMAGE ?? 'remora-toolkit:0.1.0', before?.toolkit].filter(Boolean);
  const loaded = [];
  const target = BENCH_ID === '1' ? 'remora-bench-tls' : `${BENCH_ID}-remora-bench-tls`;
  const work = mkdtempSync(join(tmpdir(), 'remora-bench-tls-'));
  const load = { start: loadAverage() };
  try {
    for (const image of images) {
      if (tlsDocker(['image', 'inspect', image], { allowFailure: true }).status === 0) continue;
      run('sh', ['-c', 'docker save "$0" | docker "$@" load -q', image, ...FLAGS]);
      loaded.push(image);
    }
    const earlier = tlsDocker(['ps', '-aq', '--filter', `label=${LABEL}`]).stdout.trim();
    if (earlier) tlsDocker(['rm', '-f', ...earlier.split('\n')], { allowFailure: true });
    tlsDocker(['run', '-d', '--name', target, '--label', LABEL, 'remora-demo:0.1.0']);
    const big = join(work, 'big.bin');
    makeBigFile(big, BYTES);
    const back = join(work, 'back.bin');
    // Warm: the sessions exist for the measured runs.
    run(REMORA, ['exec', ...FLAGS, target, '--', 'mkdir', '-p', '/target/bench']);
    if (before) run(before.bin, ['exec', ...FLAGS, target, '--', 'true'], { env: before.env });
    const remoraCp = (bin, env) => (from, to) => () => run(bin, ['cp', '--quiet', ...FLAGS, from, to], env ? { env } : {}).ms;
    const after = remoraCp(REMORA);
    const old = before ? remoraCp(before.bin, before.env) : undefined;
    const dockerCp = (from, to) => () => tlsDocker(['cp', '-q', from, to]).ms;
    const checked = () => {
      const size = statSync(back).size;
      rmSync(back);
      if (size !== BYTES) throw new Error(`copied ${size} bytes, expected ${BYTES}`);
    };
    const withBefore = (list, extra) => (old ? [...list, extra] : list);
    const [inR, inD, inB] = compare(
      ROUNDS,
      withBefore([{ run: after(big, `${target}:/bench/in-r.bin`) }, { run: dockerCp(big, `${target}:/bench/in-d.bin`) }], {
        run: old?.(big, `${target}:/bench/in-b.bin`),
      }),
    );
    const [outR, outD, outB] = compare(
      ROUNDS,
      withBefore(
        [
          { run: after(`${target}:/bench/in-r.bin`, back), after: checked },
          { run: dockerCp(`${target}:/bench/in-d.bin`, back), after: checked },
        ],
        { run: old?.(`${target}:/bench/in-b.bin`, back), after: checked },
      ),
    );
    load.end = loadAverage();
    const rate = (ms) => (BYTES / 1024 ** 2 / (ms / 1000)).toFixed(0);
    const row = (name, r, d) => [name, rate(r), rate(d), (d / r).toFixed(2), 'throughput >= 1.0x'];
    printTable(
      `remora cp vs docker cp over TLS (${HOST}; medians of ${ROUNDS} copies of ${Math.round(BYTES / 1024 ** 2)} MiB; ${load.start} -> ${load.end.replace('load average ', '')})`,
      ['case', 'remora MiB/s', 'docker MiB/s', 'throughput ratio', 'goal'],
      [
        row('copy in', inR, inD),
        row('copy out', outR, outD),
        ...(before ? [row('  before: copy in', inB, inD), row('  before: copy out', outB, outD)] : []),
      ],
    );
    return { inR, inD, outR, outD, inB, outB };
  } finally {
    rmSync(work, { recursive: true, force: true });
    run(REMORA, ['detach', ...FLAGS, target], { allowFailure: true });
    const ids = tlsDocker(['ps', '-aq', '--filter', `label=${LABEL}`], { allowFailure: true }).stdout.trim();
    if (ids) tlsDocker(['rm', '-f', ...ids.split('\n')], { allowFailure: true });
    if (loaded.length) tlsDocker(['rmi', ...loaded], { allowFailure: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchTls();
