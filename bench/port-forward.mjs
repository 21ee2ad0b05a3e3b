// `remora port-forward` against a port published with `docker run -p`, in the same run, on
// the same server (test/fixtures/forward-server: `SIZE n` answers n bytes): throughput of a
// 100 MiB transfer, and time to first byte of a new connection (connect, one request, the
// first byte back). Run alone: `node bench/port-forward.mjs` (after `npm run build`);
// BENCH_FWD_BYTES and BENCH_FWD_ROUNDS shrink it.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { BENCH_LABEL, REMORA, docker, median, printTable, run, runAlone } from './lib.mjs';

const BYTES = Number(process.env.BENCH_FWD_BYTES ?? 100 * 1024 * 1024);
const ROUNDS = Number(process.env.BENCH_FWD_ROUNDS ?? 3);
const TTFB_ROUNDS = Number(process.env.BENCH_FWD_TTFB_ROUNDS ?? 20);
const IMAGE = 'remora-bench/forward-server:latest';
const TARGET = 'remora-bench-fwd';
const SERVER_DIR = fileURLToPath(new URL('../test/fixtures/forward-server', import.meta.url));

/** One request; resolves with ms to the first byte, ms to the last, and the byte count. */
function fetchTimed(port, size) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const since = () => Number(process.hrtime.bigint() - started) / 1e6;
    let first;
    let bytes = 0;
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(`SIZE ${size}\n`));
    socket.on('data', (chunk) => {
      first ??= since();
      bytes += chunk.length;
    });
    socket.on('error', reject);
    socket.on('close', () =>
      bytes === size ? resolve({ first, total: since(), bytes }) : reject(new Error(`got ${bytes} of ${size} bytes`)),
    );
  });
}

function startForward() {
  const child = spawn(REMORA, ['port-forward', '--quiet', TARGET, ':7000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.on('exit', (code) => reject(new Error(`port-forward exited ${code}`)));
  });
}

export default async function benchPortForward() {
  const base =
    run('docker', ['image', 'inspect', 'remora-base:bookworm'], { allowFailure: true }).status === 0
      ? 'remora-base:bookworm'
      : 'debian:bookworm-slim';
  run('docker', ['build', '-q', '-t', IMAGE, '--build-arg', `BASE=${base}`, SERVER_DIR]);
  const earlier = docker('ps', '-aq', '--filter', `name=^${TARGET}$`, '--filter', `label=${BENCH_LABEL}`);
  if (earlier) run('docker', ['rm', '-f', earlier], { allowFailure: true });
  docker('run', '-d', '--name', TARGET, '--label', BENCH_LABEL, '-p', '127.0.0.1::7000', IMAGE, '0.0.0.0');
  const published = Number(docker('port', TARGET, '7000/tcp').split('\n')[0].split(':').pop());
  const { child, port } = await startForward();
  try {
    // Warm: the session exists and both paths have carried a connection.
    await fetchTimed(port, 1);
    await fetchTimed(published, 1);

    const totals = { forward: [], published: [] };
    for (let i = 0; i < ROUNDS; i++) {
      totals.forward.push((await fetchTimed(port, BYTES)).total);
      totals.published.push((await fetchTimed(published, BYTES)).total);
    }
    const firsts = { forward: [], published: [] };
    for (let i = 0; i < TTFB_ROUNDS; i++) {
      firsts.forward.push((await fetchTimed(port, 1)).first);
      firsts.published.push((await fetchTimed(published, 1)).first);
    }
    const mibps = (ms) => (BYTES / 1024 ** 2 / (ms / 1000)).toFixed(0);
    const [fwd, pub] = [median(totals.forward), median(totals.published)];
    printTable(
      `port-forward vs docker run -p (medians; ${Math.round(BYTES / 1024 ** 2)} MiB x ${ROUNDS}, first byte x ${TTFB_ROUNDS})`,
      ['measure', 'remora port-forward', 'published port', 'ratio'],
      [
        [
          `${Math.round(BYTES / 1024 ** 2)} MiB transfer`,
          `${fwd.toFixed(0)} ms (${mibps(fwd)} MiB/s)`,
          `${pub.toFixed(0)} ms (${mibps(pub)} MiB/s)`,
          (fwd / pub).toFixed(2),
        ],
        [
          'time to first byte',
          `${median(firsts.forward).toFixed(1)} ms`,
          `${median(firsts.published).toFixed(1)} ms`,
          (median(firsts.forward) / median(firsts.published)).toFixed(2),
        ],
      ],
    );
  } finally {
    child.kill('SIGINT');
    await new Promise((resolve) => child.once('exit', resolve));
    run('docker', ['rm', '-f', TARGET], { allowFailure: true });
  }
}

await runAlone(import.meta.url, benchPortForward);
