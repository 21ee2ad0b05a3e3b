// `npm run bench`: every benchmark, each against the docker CLI in the same run.
// Prints tables of medians; never fails on a number (figures are reported, not asserted).
import { benchExec } from './exec.mjs';
import { ensureImages, removeBenchContainers, startBenchTarget } from './lib.mjs';

const only = process.argv.slice(2);
const wanted = (name) => only.length === 0 || only.includes(name);

ensureImages();
try {
  if (wanted('exec')) {
    const target = startBenchTarget('remora-bench-exec');
    benchExec(target);
  }
  for (const name of ['cp', 'ps', 'ssh']) {
    if (!wanted(name)) continue;
    await (await import(`./${name}.mjs`)).default();
  }
} finally {
  removeBenchContainers();
}
