// The package as users get it: `npm pack` of this checkout (the dist/ that `npm test`
// built), installed with `npm install -g` into a temporary prefix, then run from there.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REMORA_VERSION } from '../../src/core/version.js';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { contextHash, packageDir } from '../../src/session/toolkit-image.js';
import { startTarget, testEngine, type RunningTarget, runLabels } from '../support/fixtures.js';
import { TEST_IMAGES, TOOLKIT_IS_PRIVATE } from '../support/images.js';

const checkout = fileURLToPath(new URL('../..', import.meta.url));
let work: string;
let prefix: string;
let engine: DockerEngine;
let target: RunningTarget;

beforeAll(async () => {
  engine = testEngine();
  target = await startTarget(engine, 'scratch');
  work = mkdtempSync(join(tmpdir(), 'remora-pack-'));
  prefix = join(work, 'prefix');
  // --ignore-scripts: packing must not rebuild dist/ under the other tests running from it.
  const packed = await execa('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: checkout });
  const tarball = join(work, packed.stdout.trim().split('\n').pop() as string);
  await execa('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: work });
}, 300_000);

afterAll(async () => {
  await target?.[Symbol.asyncDispose]();
  engine?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The installed remora, with nothing of the checkout on its way. */
function installed(args: string[], env: Record<string, string> = {}) {
  return execa(join(prefix, 'bin', 'remora'), args, {
    cwd: work,
    reject: false,
    stdin: 'ignore',
    env: { REMORA_LABELS: runLabels(), ...env },
  });
}

describe('npm install -g of the packed tarball', () => {
  it('installs the license, the runtime dependencies only, and a remora that starts', async () => {
    const root = join(prefix, 'lib', 'node_modules', 'remora');
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).not.toContain('@types/tar-fs');
    expect(existsSync(join(root, 'node_modules', 'docker-modem', 'lib', 'ssh.js'))).toBe(true);
    expect(await installed(['--version'])).toMatchObject({ exitCode: 0, stdout: REMORA_VERSION });
    expect((await installed(['completion', 'bash'])).stdout).toContain('complete -F _remora_complete remora');
  });

  it('ships the toolkit sources the tests build the toolkit from, and runs a command against the engine', async () => {
    // The installed remora checks (and if need be builds) its toolkit from its own toolkit-image/.
    const shipped = join(prefix, 'lib', 'node_modules', 'remora', 'toolkit-image');
    expect(contextHash(shipped)).toBe(contextHash(packageDir('toolkit-image')));
    // Under a private tag, the default tag may belong to another checkout: use the private one.
    const env: Record<string, string> = TOOLKIT_IS_PRIVATE ? { REMORA_TOOLKIT_IMAGE: TEST_IMAGES.toolkit } : {};
    const result = await installed(['exec', target.name, '--', 'cat', '/proc/1/comm'], env);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'app', stderr: '' });
  });
});
