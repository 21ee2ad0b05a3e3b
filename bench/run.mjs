// `npm run bench`: every benchmark, each against the docker CLI in the same run. Each bench
// prints its own table; one summary table of all rows (time ratios, remora / docker) ends
// the run. Never fails on a number (figures are reported, not asserted).
import { benchExec } from './exec.mjs';
import { ensureImages, loadAverage, printTable, ratio, removeBenchContainers, startBenchTarget } from './lib.mjs';

const only = process.argv.slice(2);
const wanted = (name) => only.length === 0 || only.includes(name);

ensureImages();
const startLoad = loadAverage();
const rows = [];
const ms = (value) => value.toFixed(0);
try {
  if (wanted('exec')) {
    const target = startBenchTarget('remora-bench-exec');
    const e = benchExec(target);
    rows.push(['warm exec T -- true | docker exec', ms(e.warmRemora), ms(e.warmDocker), ratio(e.warmRemora, e.warmDocker), '<= 1.3']);
    rows.push([
      'exec --rm T -- true | docker run --rm',
      ms(e.oneShotRemora),
      ms(e.oneShotDocker),
      ratio(e.oneShotRemora, e.oneShotDocker),
      '<= 1.2',
    ]);
    rows.push(['cold exec T -- true | docker run --rm', ms(e.coldRemora), ms(e.coldDocker), ratio(e.coldRemora, e.coldDocker), '<= 1.5']);
  }
  if (wanted('ps')) {
    const p = await (await import('./ps.mjs')).default();
    rows.push(['ps T (1,000 processes) | docker top', ms(p.ps), ms(p.top), ratio(p.ps, p.top), '<= 1.0']);
    rows.push(['ps T --interval 1s | docker top', ms(p.sampled), ms(p.top), ratio(p.sampled, p.top), '']);
  }
  if (wanted('cp')) {
    const c = await (await import('./cp.mjs')).default();
    rows.push([`cp in, ${c.bigLabel} | docker cp`, ms(c.inR), ms(c.inD), ratio(c.inR, c.inD), '<= 1.0']);
    rows.push([`cp out, ${c.bigLabel} | docker cp`, ms(c.outR), ms(c.outD), ratio(c.outR, c.outD), '<= 1.0']);
    if (c.inB !== undefined) {
      rows.push([`  before: cp in, ${c.bigLabel} | docker cp`, ms(c.inB), ms(c.inD), ratio(c.inB, c.inD), '']);
      rows.push([`  before: cp out, ${c.bigLabel} | docker cp`, ms(c.outB), ms(c.outD), ratio(c.outB, c.outD), '']);
    }
    rows.push([`cp in, ${c.files} small files | docker cp`, ms(c.treeInR), ms(c.treeInD), ratio(c.treeInR, c.treeInD), '<= 1.0']);
    rows.push([`cp out, ${c.files} small files | docker cp`, ms(c.treeOutR), ms(c.treeOutD), ratio(c.treeOutR, c.treeOutD), '<= 1.0']);
    rows.push([`cp peak RSS, ${c.bigLabel} (MiB)`, (c.bigRss / 1024).toFixed(0), '', '', '< 150 MB']);
    if (Number.isFinite(c.rssIn)) rows.push([`cp in peak RSS, ${c.rssLabel} (MiB)`, (c.rssIn / 1024).toFixed(0), '', '', '< 150 MB']);
    if (Number.isFinite(c.rssOut)) rows.push([`cp out peak RSS, ${c.rssLabel} (MiB)`, (c.rssOut / 1024).toFixed(0), '', '', '< 150 MB']);
  }
  if (wanted('tls')) {
    // Prints its own table; skipped with a line where there is no TLS engine.
    await (await import('./tls.mjs')).default();
  }
  if (wanted('strace')) {
    const t = await (await import('./strace.mjs')).default();
    const k = (v) => (v === undefined ? 'n/a' : `${(v / 1000).toFixed(1)}k`);
    // Rates, not times: ratio = docker's events/s / remora's, so above 1 is slower here too.
    rows.push(['strace T: events/s | docker exec strace', k(t.cli), k(t.docker), ratio(t.docker, t.cli), '<= 1.0']);
    rows.push(['Trace view: events/s | strace -tt -T -yy', k(t.tui), k(t.dockerDetailed), ratio(t.dockerDetailed, t.tui), '']);
  }
  if (wanted('tui')) {
    const u = await (await import('./tui.mjs')).default();
    rows.push([
      'attach, first table (1,000) | docker exec ps',
      ms(u.startup.tui),
      ms(u.startup.docker),
      ratio(u.startup.tui, u.startup.docker),
      '',
    ]);
    rows.push([`attach idle on 1,000: CPU % / RSS MiB`, `${u.idle.cpuPercent.toFixed(2)}% / ${u.idle.rssMiB.toFixed(0)}`, '', '', '']);
  }
  if (wanted('port-forward')) {
    // Prints its own table: throughput and first byte against a published port.
    await (await import('./port-forward.mjs')).default();
  }
  if (wanted('ssh')) {
    // Prints its own table; skipped with a line where no ssh alias logs in.
    await (await import('./ssh.mjs')).default();
  }
} finally {
  removeBenchContainers();
}
if (rows.length)
  printTable(
    `Summary (medians; ratio = remora time / docker time; ${startLoad} at the start, ${loadAverage()} now)`,
    ['remora | docker', 'remora ms', 'docker ms', 'ratio', 'goal'],
    rows,
  );
