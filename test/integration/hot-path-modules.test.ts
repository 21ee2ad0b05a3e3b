// The commands a user runs again and again (exec, ps, targets) never load dockerode: its
// import costs ~70 ms that only builds, pulls and imports should pay. Nor any other package:
// tar-stream and its dependencies cost ~16 ms of CPU, for copies and stand-ins only. The built CLI runs with
// a preload that writes, as the process exits, every module Node has loaded (its own
// built-in ones as `node:<name>`). Warm commands do not load node:crypto (~4 ms).
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remora, startTarget, testEngine, type RunningTarget } from '../support/fixtures.js';

const scratch = mkdtempSync(join(tmpdir(), 'remora-modules-'));
const preload = join(scratch, 'report-modules.cjs');
writeFileSync(
  preload,
  [
    "process.once('exit', () => {",
    "  const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => `node:${m.slice(13)}`);",
    "  require('node:fs').writeFileSync(process.env.REMORA_TEST_MODULES_FILE, [...Object.keys(require.cache), ...builtins].join('\\n'));",
    '});',
    '',
  ].join('\n'),
);
const HEAVY = /[\\/]node_modules[\\/](dockerode|docker-modem|ssh2)[\\/]/;
const PACKAGE = /[\\/]node_modules[\\/]/;

let engine: DockerEngine;
let target: RunningTarget;

beforeAll(async () => {
  engine = testEngine();
  target = await startTarget(engine, 'scratch');
});

afterAll(async () => {
  await target?.[Symbol.asyncDispose]();
  engine?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

let runs = 0;
function loadedBy(args: string[]): Promise<{ exitCode: number; modules: string[] }> {
  const file = join(scratch, `modules-${++runs}.txt`);
  return remora(args, { env: { NODE_OPTIONS: `--require ${preload}`, REMORA_TEST_MODULES_FILE: file } }).then((result) => ({
    exitCode: result.exitCode,
    modules: readFileSync(file, 'utf8').split('\n'),
  }));
}

describe('modules loaded by the hot commands', () => {
  it('the preload sees dockerode when a process loads it', async () => {
    const file = join(scratch, 'control.txt');
    await execa('node', ['--require', preload, '-e', "require('dockerode')"], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: { REMORA_TEST_MODULES_FILE: file },
    });
    expect(
      readFileSync(file, 'utf8')
        .split('\n')
        .some((path) => HEAVY.test(path)),
    ).toBe(true);
  });

  it.each([
    ['exec', () => ['exec', target.name, '--', 'true']],
    ['exec --rm', () => ['exec', '--rm', target.name, '--', 'true']],
    ['ps', () => ['ps', target.name]],
    ['targets', () => ['targets']],
  ])('%s loads no package from node_modules (no dockerode, tar-stream, execa)', async (_name, args) => {
    const { exitCode, modules } = await loadedBy(args());
    expect(exitCode).toBe(0);
    // The list is the CLI's, not an empty one (the bundle itself is compiled through vm).
    expect(modules.some((path) => path.endsWith('remora.cjs'))).toBe(true);
    expect(modules.filter((path) => PACKAGE.test(path))).toEqual([]);
  });

  it.each([
    ['exec', () => ['exec', target.name, '--', 'true']],
    ['ps', () => ['ps', target.name]],
  ])('%s does not load node:crypto', async (_name, args) => {
    const { exitCode, modules } = await loadedBy(args());
    expect(exitCode).toBe(0);
    // The list has Node's own modules (node:http is how every command talks to the engine).
    expect(modules).toContain('node:http');
    expect(modules).not.toContain('node:crypto');
  });
});
