// Builds dist/cli/main.cjs: the whole CLI as one CommonJS bundle, started by bin/remora.cjs.
//
// Start-up is part of the product (`remora exec` is measured against `docker exec`), and the
// shape of the bundle decides most of it:
// - CommonJS, not ESM: Node's ESM loader alone adds ~10 ms to every start;
// - one file, so bin/remora.cjs can compile it through a code cache (~14 ms saved on Node 20);
// - modules are evaluated lazily (each command's `import()` becomes a call), so a command
//   still runs only its own code;
// - heavy or dynamic-require packages stay external and load only where used.
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

rmSync(new URL('../dist/', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli/main.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // The toolkit-side programs (src/toolkit-scripts/*.sh) are bundled as text.
  loader: { '.sh': 'text' },
  external: ['dockerode', 'blessed', 'tar-fs', 'tar-stream', 'execa', '@lydell/node-pty', '@xterm/headless'],
  // The sources are ESM and use import.meta.url to find files beside them; in the bundle
  // that is the bundle's own URL.
  define: { 'import.meta.url': '__remoraBundleUrl' },
  // import() of an external becomes require() (execa, ESM-only, loads through Node's
  // require(esm), on by default since 20.19): a script compiled from V8's code cache has no
  // dynamic-import callback in Node 20.
  supported: { 'dynamic-import': false },
  banner: { js: "const __remoraBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});

// esbuild escapes every non-ASCII character of the code, not of the comments it keeps
// (JSDoc inside expressions): one arrow there made the whole bundle a two-byte string,
// 1.5 MB, read and compiled 2-3 ms slower on every start. In a comment the escape is text.
const outfile = new URL('../dist/cli/main.cjs', import.meta.url);
const bundled = readFileSync(outfile, 'utf8');
const nonAscii = /[^\u0000-\u007f]/g;
if (nonAscii.test(bundled)) {
  writeFileSync(
    outfile,
    bundled.replace(nonAscii, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
}
