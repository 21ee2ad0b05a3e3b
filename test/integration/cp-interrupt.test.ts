// Killing a copy midway, both ways: no partial file under the final name, the old file
// intact, and no temporary left (except the local one of a SIGKILLed copy-out, which no
// process survives to remove). Also the progress line on a terminal, and Ctrl-C there.
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remoraProcess, startTarget, testEngine, type RunningTarget } from '../support/fixtures.js';
import { spawnRemora } from '../support/pty.js';
import { inToolkit } from '../support/trees.js';
import { waitFor } from '../support/wait-for.js';

let engine: DockerEngine;
let target: RunningTarget;
let work: string;
let big: string;

const GIB = 1024 * 1024 * 1024;

beforeAll(async () => {
  engine = testEngine();
  target = await startTarget(engine, 'scratch');
  work = mkdtempSync(join(tmpdir(), 'remora-cp-kill-'));
  // Sparse on both sides: large enough to be caught midway, cheap to make.
  big = join(work, 'big.bin');
  const fd = openSync(big, 'w');
  ftruncateSync(fd, 3 * GIB);
  closeSync(fd);
  await inToolkit(target.name, 'truncate -s 3G /target/data/big.bin');
});

afterAll(async () => {
  await target?.[Symbol.asyncDispose]();
  engine?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

function startCopy(args: string[]) {
  return remoraProcess(['cp', ...args], { reject: false, stdin: 'ignore', stripFinalNewline: false });
}

const targetTemporaries = (): Promise<string> => inToolkit(target.name, 'ls -a /target/data | grep remora-tmp || true');
const localTemporaries = (dir: string): string[] => readdirSync(dir).filter((name) => name.startsWith('.remora-'));

describe('copy-in killed midway', () => {
  for (const [signal, flags] of [
    ['SIGKILL', []],
    ['SIGTERM', []],
    // Its own toolkit ends with remora: the helper must still get to remove its temporary.
    ['SIGKILL', ['--rm']],
  ] as const) {
    it(`by ${signal}${flags.length ? ` with ${flags.join(' ')}` : ''}: the target keeps the old file and no temporary`, async () => {
      await inToolkit(target.name, 'echo old > /target/data/victim');
      const copy = startCopy([...flags, big, `${target.name}:/data/victim`]);
      await waitFor(async () => (await targetTemporaries()).trim() !== '', {
        what: 'the temporary to appear in the target',
        timeoutMs: 60_000,
      });
      copy.kill(signal);
      const result = await copy;
      if (signal === 'SIGTERM') {
        expect(result.exitCode).toBe(143);
        expect(result.stderr).toBe('remora: cp interrupted by SIGTERM; no partial file was left behind\n');
      }
      // The helper sees its stdin end and removes its temporary (after a SIGKILL, when the
      // engine notices the connection is gone).
      await waitFor(async () => (await targetTemporaries()) === '', { what: 'the temporary to be removed', timeoutMs: 60_000 });
      expect(await inToolkit(target.name, 'cat /target/data/victim')).toBe('old\n');
    });
  }
});

describe('stale temporaries in the target', () => {
  it('a later copy into the directory removes those whose writer is gone, and only those', async () => {
    await inToolkit(
      target.name,
      'mkdir -p /target/data/sweep && cd /target/data/sweep && echo x > .remora-tmp-Stale1 && ln -s nowhere .remora-tmp-Stale2 && echo x > .remora-tmp-Held01 && echo x > .remora-tmp-not-ours && echo x > mine.txt',
    );
    // A writer still holding its temporary open (as a live copy does).
    const holder = remoraProcess(
      ['exec', target.name, '--', 'sh', '-c', 'exec 3</target/data/sweep/.remora-tmp-Held01; echo holding; exec sleep 600'],
      { reject: false, buffer: false, stdin: 'ignore' },
    );
    try {
      await new Promise<void>((resolve) => holder.stdout?.once('data', () => resolve()));
      const small = join(work, 'small.txt');
      writeFileSync(small, 'new\n');
      // Each copy sweeps once; the stale ones go once they are old enough (10 s unchanged).
      const left = await waitFor(
        async () => {
          const copy = await startCopy([small, `${target.name}:/data/sweep/`]);
          expect(copy.exitCode).toBe(0);
          const names = (await inToolkit(target.name, 'ls -A /target/data/sweep')).trim().split('\n').sort();
          return names.includes('.remora-tmp-Stale1') || names.includes('.remora-tmp-Stale2') ? undefined : names;
        },
        { timeoutMs: 40_000, intervalMs: 2_000, what: 'the stale temporaries to be swept' },
      );
      expect(left).toEqual(['.remora-tmp-Held01', '.remora-tmp-not-ours', 'mine.txt', 'small.txt']);
    } finally {
      holder.kill('SIGKILL');
      await holder;
      // The holder's sleep runs on in the toolkit after remora is killed; this target has no other.
      await inToolkit(target.name, 'pkill -x sleep; true');
    }
  });
});

describe('copy-out killed midway', () => {
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`by ${signal}: exit ${code}, the old local file intact, no temporary`, async () => {
      const dest = mkdtempSync(join(work, 'out-'));
      writeFileSync(join(dest, 'victim'), 'old\n');
      const copy = startCopy([`${target.name}:/data/big.bin`, join(dest, 'victim')]);
      await waitFor(() => localTemporaries(dest).length > 0, { what: 'the local temporary to appear', timeoutMs: 60_000, intervalMs: 20 });
      copy.kill(signal);
      const result = await copy;
      expect(result.exitCode).toBe(code);
      expect(result.stderr).toBe(`remora: cp interrupted by ${signal}; no partial file was left behind\n`);
      expect(readdirSync(dest)).toEqual(['victim']);
      expect(readFileSync(join(dest, 'victim'), 'utf8')).toBe('old\n');
    });
  }

  it('by SIGKILL: the final name still holds the old file', async () => {
    const dest = mkdtempSync(join(work, 'out-kill-'));
    writeFileSync(join(dest, 'victim'), 'old\n');
    const copy = startCopy([`${target.name}:/data/big.bin`, join(dest, 'victim')]);
    await waitFor(() => localTemporaries(dest).length > 0, { what: 'the local temporary to appear', timeoutMs: 60_000, intervalMs: 20 });
    copy.kill('SIGKILL');
    await copy;
    expect(readFileSync(join(dest, 'victim'), 'utf8')).toBe('old\n');
    // Nothing survives a SIGKILL to remove the hidden temporary (it was seen before the kill);
    // it never takes the final name.
    const others = readdirSync(dest).filter((name) => name !== 'victim');
    expect(others).toHaveLength(1);
    expect(others[0]).toMatch(/^\.remora-[0-9a-f]{12}\.tmp$/);
  });
});

describe('on a terminal', () => {
  it('shows bytes, rate and ETA, and stops cleanly on Ctrl-C', async () => {
    const dest = mkdtempSync(join(work, 'pty-'));
    await using session = spawnRemora(['cp', `${target.name}:/data/big.bin`, join(dest, 'big.bin')], { cols: 120 });
    await session.waitForScreen(/\d+(\.\d)? [KMG]iB \/ 3\.0 GiB {2}\d+(\.\d)? [KMG]?i?B\/s {2}ETA \d+:\d\d/, 60_000);
    session.type('\x03');
    const { exitCode } = await session.exited;
    expect(exitCode).toBe(130);
    // The pty may hand over the last output after the exit is reported.
    await session.waitForScreen('remora: cp interrupted by SIGINT; no partial file was left behind', 10_000);
    expect(readdirSync(dest)).toEqual([]);
  });

  it('prints nothing but errors when stderr is not a terminal, or with --quiet', async () => {
    const result = await remoraProcess(['cp', '--quiet', `${target.name}:/etc/passwd`, work], { reject: false, stripFinalNewline: false });
    expect(result).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
  });
});
