// Builds dist/: one ESM bundle for the CLI, split at each command's dynamic import, so a
// command loads only its own code. Start-up is part of the product: resolving and
// evaluating ~40 separate modules and commander costs more than the work of `remora exec`.
// Heavy or dynamic-require packages stay external and load only where used.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync(new URL('../dist/', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/main.ts'],
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  chunkNames: 'chunks/[name]-[hash]',
  external: ['dockerode', 'docker-modem', 'blessed', 'tar-fs', 'tar-stream', 'execa', '@lydell/node-pty', '@xterm/headless'],
  // Bundled CommonJS (commander) calls require() for built-ins; ESM has none of its own.
  banner: { js: "import { createRequire as __remoraCreateRequire } from 'node:module'; const require = __remoraCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
