'use strict';
// Runs the CLI bundle, then exits once stdout and stderr are flushed, so a stray handle (a
// paused terminal, a keep-alive socket) can never keep a finished command alive.
//
// Node 22.1+ caches compiled code itself (module.enableCompileCache, in the temporary
// directory). Node 20 has no such cache, and compiling the bundle measured ~14 ms of CPU on
// every start (`exec`, 2026-12-06), so there the bundle goes through V8's code cache:
// reading it costs ~1.5 ms. A cache holds the functions compiled by the run that
// wrote it, and loading it keeps them, so the first few runs after a build (or a node
// upgrade, which makes V8 reject it) each write it again: whichever commands come first,
// the cache ends up holding the paths they use. Its name carries the bundle's size and
// time, so a cache can never be used for another bundle.
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const bundle = path.join(__dirname, '..', 'dist', 'cli', 'main.cjs');
/** Runs that rewrite the cache after a build. */
const CACHE_GENERATIONS = 4;

function loadBundle() {
  const source = fs.readFileSync(bundle, 'utf8');
  const stat = fs.statSync(bundle);
  const cacheFile = `${bundle}.${stat.size}-${Math.trunc(stat.mtimeMs)}.cache`;
  // The file: one byte of generation, then V8's data.
  let generation = 0;
  let cachedData;
  try {
    const file = fs.readFileSync(cacheFile);
    generation = file[0];
    cachedData = file.subarray(1);
  } catch {
    // No cache yet: this run makes it.
  }
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, Module.createRequire(bundle), module, bundle, path.dirname(bundle));
  if (script.cachedDataRejected) generation = 0;
  if ((cachedData === undefined || script.cachedDataRejected || generation < CACHE_GENERATIONS) && writable(path.dirname(bundle))) {
    process.once('exit', () => writeCache(script, cacheFile, generation + 1));
  }
  return module.exports;
}

/** An install the user cannot write to (a global one, owned by root) keeps what it has. */
function writable(directory) {
  try {
    fs.accessSync(directory, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Best effort and atomic: a read-only install just starts a little slower. */
function writeCache(script, cacheFile, generation) {
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, Buffer.concat([Buffer.from([generation]), script.createCachedData()]));
    fs.renameSync(temporary, cacheFile);
  } catch {
    try {
      fs.rmSync(temporary, { force: true });
    } catch {
      // Nothing to clean.
    }
  }
}

function requireBundle() {
  Module.enableCompileCache();
  return require(bundle);
}

async function run() {
  const cli = typeof Module.enableCompileCache === 'function' ? requireBundle() : loadBundle();
  await cli.main(process.argv);
  const code = process.exitCode ?? 0;
  const flush = (stream) => new Promise((resolve) => (stream.writableLength === 0 ? resolve() : stream.write('', resolve)));
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  process.exit(code);
}

run().catch((error) => {
  // Only a missing or broken build gets here: the CLI reports its own errors.
  process.stderr.write(`remora: cannot start: ${error.message}\n  (in a checkout, build it with \`npm run build\`)\n`);
  process.exit(1);
});
