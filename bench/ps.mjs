// `remora ps` against `docker top` on the same target with 1,000 processes (the demo app
// with CHILDREN=999), median wall time of whole commands, interleaved. Goal (issue 14):
// ratio <= 1.0. Also shown, so the ratio can be read: `remora exec T -- true` (remora's
// floor: node start, engine calls, one exec), and `ps --interval 1s` (a sample, as top).
// Run alone: `node bench/ps.mjs` (after `npm run build`); BENCH_ROUNDS sets the rounds.
import { REMORA, compare, loadAverage, printTable, ratio, run, runAlone, startBenchTarget } from './lib.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const PROCESSES = 1000;

export default async function benchPs() {
  const target = startBenchTarget('remora-bench-ps', ['-e', `CHILDREN=${PROCESSES - 1}`]);
  // Until all children exist, and a warm session (as a user's second command has).
  const deadline = Date.now() + 60_000;
  for (;;) {
    const rows = JSON.parse(run(REMORA, ['ps', target, '--json']).stdout).length;
    if (rows >= PROCESSES) break;
    if (Date.now() > deadline) throw new Error(`only ${rows} of ${PROCESSES} processes after 60 s`);
  }
  const topRows = run('docker', ['top', target]).stdout.trim().split('\n').length - 1;

  const [ps, top, floor, sampled] = compare(ROUNDS, [
    { run: () => run(REMORA, ['ps', target]).ms },
    { run: () => run('docker', ['top', target]).ms },
    { run: () => run(REMORA, ['exec', target, '--', 'true']).ms },
    { run: () => run(REMORA, ['ps', target, '--interval', '1s']).ms },
  ]);

  printTable(
    `remora ps vs docker top, ${PROCESSES} processes (docker top lists ${topRows}; medians of ${ROUNDS}, warm session; ${loadAverage()})`,
    ['case', 'ms', 'vs docker top', 'goal'],
    [
      ['docker top T', top.toFixed(0), '1.00', ''],
      ['remora ps T (%CPU over each life)', ps.toFixed(0), ratio(ps, top), '<= 1.0'],
      ['  of which: remora exec T -- true', floor.toFixed(0), ratio(floor, top), ''],
      ['remora ps T --interval 1s (a sample, as top)', sampled.toFixed(0), ratio(sampled, top), ''],
    ],
  );
  return { ps, top, floor, sampled };
}

await runAlone(import.meta.url, benchPs);
