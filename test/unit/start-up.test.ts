// bin/remora and the deferred NODE_EXTRA_CA_CERTS: the start-up path a user runs.
import { execFile, execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { rootCertificates } from 'node:tls';
import { createServer, type Socket } from 'node:net';
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
  writeFileSync(
    join(fakeBin, 'node'),
    '#!/bin/sh\nprintf "%s\\n" "$1" "${NODE_EXTRA_CA_CERTS-<unset>}" "${REMORA_DEFERRED_EXTRA_CA_CERTS-<unset>}"; shift; printf "%s\\n" "$@"\n',
  );
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

describe('starting the built CLI', () => {
  it('reads a bundle of ASCII only (one non-ASCII character makes the whole source a two-byte string)', () => {
    const bundle = readFileSync(fileURLToPath(new URL('../../dist/cli/main.cjs', import.meta.url)));
    expect(bundle.findIndex((byte) => byte > 0x7f)).toBe(-1);
  });

  /** A stand-in engine on a unix socket that only counts the connections made to it. */
  async function countingEngine(): Promise<{ host: string; connections: () => number; close: () => Promise<void> }> {
    const socket = join(scratch, `engine-${process.pid}-${Date.now()}.sock`);
    const open = new Set<Socket>();
    let connections = 0;
    const server = createServer((conn) => {
      connections++;
      open.add(conn);
      conn.on('close', () => open.delete(conn));
      conn.end(
        'HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 39\r\nConnection: close\r\n\r\n{"message":"No such container: nosuch"}',
      );
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    return {
      host: `unix://${socket}`,
      connections: () => connections,
      close: () =>
        new Promise((resolve) => {
          for (const conn of open) conn.destroy();
          server.close(() => resolve());
        }),
    };
  }

  async function remora(args: string[], env: Record<string, string>): Promise<{ exitCode: number; stdout: string }> {
    return new Promise((resolve) => {
      execFile(WRAPPER, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: scratch, ...env } }, (error, stdout) => {
        resolve({ exitCode: error ? Number((error as { code?: number }).code) : 0, stdout });
      });
    });
  }

  it('asks the engine nothing for --version, help or a usage error, and asks it for a command', { timeout: 30_000 }, async () => {
    const engine = await countingEngine();
    try {
      const env = { DOCKER_HOST: engine.host };
      expect(await remora(['--version'], env)).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
      expect((await remora(['exec', '--help'], env)).exitCode).toBe(0);
      expect((await remora(['exec'], env)).exitCode).toBe(2);
      expect(engine.connections()).toBe(0);
      // The seam counts: a command that needs the engine does reach it.
      expect((await remora(['exec', 'nosuch', '--', 'true'], env)).exitCode).not.toBe(0);
      expect(engine.connections()).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
  });

  it('starts as usual from a damaged code cache', () => {
    const install = join(scratch, 'install');
    cpSync(BIN_DIR, join(install, 'bin'), { recursive: true });
    cpSync(fileURLToPath(new URL('../../dist/cli/main.cjs', import.meta.url)), join(install, 'dist', 'cli', 'main.cjs'));
    const version = () => execFileSync(join(install, 'bin', 'remora'), ['--version'], { encoding: 'utf8' }).trim();
    const expected = version();
    expect(expected).toMatch(/^\d+\.\d+\.\d+$/);
    // Node 20 keeps V8's code cache beside the bundle (newer Node keeps its own elsewhere):
    // garbage in it must only cost a compile.
    for (const name of readdirSync(join(install, 'dist', 'cli')).filter((n) => n.endsWith('.cache'))) {
      writeFileSync(join(install, 'dist', 'cli', name), Buffer.alloc(4096, 7));
    }
    expect(version()).toBe(expected);
    expect(version()).toBe(expected);
  });
});

describe('deferred extra CA certificates', () => {
  it('are put back for child processes and trusted by TLS connections without a CA of their own', () => {
    const pem = join(scratch, 'extra.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const env: NodeJS.ProcessEnv = { [DEFERRED_EXTRA_CA_ENV]: pem };
    restoreDeferredExtraCa(env);
    expect(env).toEqual({ NODE_EXTRA_CA_CERTS: pem });

    const trusting = tlsOptions({ verify: true }, env);
    expect(trusting.ca).toHaveLength(rootCertificates.length + 1);
    expect((trusting.ca as string[]).at(-1)).toContain('MIIB');

    // A CA file of the endpoint's own replaces the default roots, as in Node and docker.
    const ownCa = join(scratch, 'ca.pem');
    writeFileSync(ownCa, 'own');
    expect(tlsOptions({ caPath: ownCa, verify: true }, env).ca?.toString()).toBe('own');
    // No extra file: Node's defaults, untouched.
    expect(tlsOptions({ verify: true }, {}).ca).toBeUndefined();
  });
});
