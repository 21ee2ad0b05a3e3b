// bin/remora and the deferred NODE_EXTRA_CA_CERTS: the start-up path a user runs.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFERRED_EXTRA_CA_ENV, restoreDeferredExtraCa, tlsOptions } from '../../src/engine/tls-trust.js';

const WRAPPER = fileURLToPath(new URL('../../bin/remora', import.meta.url));
const BIN_DIR = fileURLToPath(new URL('../../bin', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'remora-start-up-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs bin/remora with a stand-in `node` first on PATH that reports what it was given. */
function runWrapper(invokedAs: string, env: Record<string, string>): { script: string; args: string[]; extra: string; deferred: string } {
  const fakeBin = join(scratch, 'fake-bin');
  mkdirSync(fakeBin, { recursive: true });
  writeFileSync(join(fakeBin, 'node'), '#!/bin/sh\nprintf "%s\\n" "$1" "${NODE_EXTRA_CA_CERTS-<unset>}" "${REMORA_DEFERRED_EXTRA_CA_CERTS-<unset>}"; shift; printf "%s\\n" "$@"\n');
  chmodSync(join(fakeBin, 'node'), 0o755);
  const out = execFileSync(invokedAs, ['exec', 'app', '--', 'echo', 'two words'], {
    env: { PATH: `${fakeBin}:/usr/bin:/bin`, ...env },
    encoding: 'utf8',
  }).split('\n');
  return { script: out[0] ?? '', extra: out[1] ?? '', deferred: out[2] ?? '', args: out.slice(3, -1) };
}

describe('bin/remora', () => {
  it('starts remora.cjs beside its real path when reached through npm-style symlinks', () => {
    const links = join(scratch, 'node_modules', '.bin');
    mkdirSync(links, { recursive: true });
    symlinkSync(BIN_DIR, join(scratch, 'node_modules', 'remora-bin'));
    symlinkSync('../remora-bin/remora', join(links, 'remora'));
    const seen = runWrapper(join(links, 'remora'), {});
    expect(realpathSync(seen.script)).toBe(join(realpathSync(BIN_DIR), 'remora.cjs'));
    expect(seen.args).toEqual(['exec', 'app', '--', 'echo', 'two words']);
    expect(seen.extra).toBe('<unset>');
    expect(seen.deferred).toBe('<unset>');
  });

  it('moves NODE_EXTRA_CA_CERTS aside so node does not parse it at start-up', () => {
    const seen = runWrapper(WRAPPER, { NODE_EXTRA_CA_CERTS: '/etc/ssl/extra.pem' });
    expect(seen.extra).toBe('<unset>');
    expect(seen.deferred).toBe('/etc/ssl/extra.pem');
  });
});

describe('the code cache of the bundle', () => {
  it('is written by the first runs after a build, and a damaged one is only a slower start', () => {
    const install = join(scratch, 'install');
    cpSync(BIN_DIR, join(install, 'bin'), { recursive: true });
    cpSync(fileURLToPath(new URL('../../dist/cli/main.cjs', import.meta.url)), join(install, 'dist', 'cli', 'main.cjs'));
    const version = () => execFileSync(join(install, 'bin', 'remora'), ['--version'], { encoding: 'utf8' }).trim();
    const cacheFile = () => {
      const name = readdirSync(join(install, 'dist', 'cli')).find((n) => n.endsWith('.cache'));
      return name === undefined ? undefined : join(install, 'dist', 'cli', name);
    };
    const generation = () => readFileSync(cacheFile() as string)[0];

    const expected = version();
    expect(expected).toMatch(/^\d+\.\d+\.\d+$/);
    expect(generation()).toBe(1);
    for (let i = 0; i < 5; i++) expect(version()).toBe(expected);
    expect(generation()).toBe(4);

    // Garbage where V8's data should be: rejected, the bundle compiled as usual, remade.
    writeFileSync(cacheFile() as string, Buffer.concat([Buffer.from([4]), Buffer.alloc(4096, 7)]));
    expect(version()).toBe(expected);
    expect(generation()).toBe(1);
  });
});

describe('deferred extra CA certificates', () => {
  it('are put back for child processes and trusted by TLS connections without a CA of their own', () => {
    const pem = join(scratch, 'extra.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const env: NodeJS.ProcessEnv = { [DEFERRED_EXTRA_CA_ENV]: pem };
    restoreDeferredExtraCa(env);
    expect(env).toEqual({ NODE_EXTRA_CA_CERTS: pem });

    const trusting = tlsOptions({ verify: true });
    expect(trusting.ca).toHaveLength(rootCertificates.length + 1);
    expect((trusting.ca as string[]).at(-1)).toContain('MIIB');

    // A CA file of the endpoint's own replaces the default roots, as in Node and docker.
    const ownCa = join(scratch, 'ca.pem');
    writeFileSync(ownCa, 'own');
    expect(tlsOptions({ caPath: ownCa, verify: true }).ca?.toString()).toBe('own');
  });
});
