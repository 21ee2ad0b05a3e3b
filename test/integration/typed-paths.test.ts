// Paths typed on the command line with bytes that are not UTF-8: `caf\xe9.txt` and
// `caf\xe8.txt`, which Node's argv reads as one same `caf\ufffd.txt`. Each must reach the
// file it names, in both directions of cp and as source or destination, in diff, and through
// `docker remora`; a missing one is named escaped.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { REMORA_BIN, remora, startTarget, testEngine, type CliResult, type RunningTarget, runLabels } from '../support/fixtures.js';

let engine: DockerEngine;
let target: RunningTarget;
let scratch: string;

/** A name's bytes: the string's characters are bytes (latin1), `caf\xe9` is 63 61 66 e9. */
const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');
const E9 = bytes('caf\xe9.txt');
const E8 = bytes('caf\xe8.txt');

/** A local path whose last part is bytes. */
function local(dir: string, name: Buffer | string): Buffer {
  return Buffer.concat([Buffer.from(`${dir}/`), typeof name === 'string' ? bytes(name) : name]);
}

/** The names in a local directory, as latin1 strings of their bytes, sorted. */
function namesIn(dir: string): string[] {
  return readdirSync(dir, { encoding: 'buffer' })
    .map((name) => name.toString('latin1'))
    .sort();
}

/**
 * Runs a program with arguments given as bytes: Node would send a string argument as
 * UTF-8, so a shell builds each from its octal escapes, as a user's shell does from `$'\xe9'`.
 */
async function runBytes(program: string, args: Array<string | Buffer>, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const octal = (arg: string | Buffer) => [...(typeof arg === 'string' ? Buffer.from(arg) : arg)].map((b) => `\\${b.toString(8)}`).join('');
  const script = `exec "$0" ${args.map((arg) => `"$(printf '${octal(arg)}')"`).join(' ')}`;
  const result = await execa('sh', ['-c', script, program], {
    reject: false,
    stdin: 'ignore',
    stripFinalNewline: false,
    env: { REMORA_LABELS: runLabels(), ...env },
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

const remoraBytes = (args: Array<string | Buffer>) => runBytes(REMORA_BIN, args);
/** TARGET:PATH with a path in bytes. */
const at = (path: string) => bytes(`${target.name}:${path}`);

/** A file of the target, read back by copying its directory out (names inside stay exact). */
async function targetFiles(dir: string): Promise<Map<string, string>> {
  const out = mkdtempSync(join(scratch, 'back-'));
  const result = await remora(['cp', `${target.name}:${dir}/.`, out]);
  expect(result.stderr).toBe('');
  return new Map(namesIn(out).map((name) => [name, readFileSync(local(out, name), 'utf8')]));
}

beforeAll(async () => {
  engine = testEngine();
  target = await startTarget(engine, 'scratch');
  scratch = mkdtempSync(join(tmpdir(), 'remora-typed-'));
  // Two files whose names differ only in a byte that is not UTF-8, put there by a directory
  // copy (names inside a tree were already kept exact).
  const data = join(scratch, 'data');
  mkdirSync(data);
  writeFileSync(local(data, E9), 'e9\n');
  writeFileSync(local(data, E8), 'e8\n');
  const put = await remora(['cp', data, `${target.name}:/names`]);
  expect(put).toMatchObject({ exitCode: 0, stderr: '' });
});

afterAll(async () => {
  await target?.[Symbol.asyncDispose]();
  engine?.dispose();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('a path typed with bytes that are not UTF-8', () => {
  it('copies out the file it names, and not its twin, into a directory or onto a typed name', async () => {
    const out = mkdtempSync(join(scratch, 'out-'));
    expect(await remoraBytes(['cp', at('/names/caf\xe9.txt'), `${out}/`])).toMatchObject({ exitCode: 0, stderr: '' });
    expect(namesIn(out)).toEqual(['caf\xe9.txt']);
    expect(await remoraBytes(['cp', at('/names/caf\xe8.txt'), `${out}/`])).toMatchObject({ exitCode: 0, stderr: '' });
    expect(namesIn(out)).toEqual(['caf\xe8.txt', 'caf\xe9.txt']);
    expect(readFileSync(local(out, E9), 'utf8')).toBe('e9\n');
    expect(readFileSync(local(out, E8), 'utf8')).toBe('e8\n');

    // The destination typed too: a new name, then onto the existing file of the other name.
    expect(await remoraBytes(['cp', at('/names/caf\xe8.txt'), local(out, 'new\xe8')])).toMatchObject({ exitCode: 0 });
    expect(await remoraBytes(['cp', at('/names/caf\xe8.txt'), local(out, E9)])).toMatchObject({ exitCode: 0 });
    expect(namesIn(out)).toEqual(['caf\xe8.txt', 'caf\xe9.txt', 'new\xe8']);
    expect(readFileSync(local(out, 'new\xe8'), 'utf8')).toBe('e8\n');
    expect(readFileSync(local(out, E9), 'utf8')).toBe('e8\n');
    expect(readFileSync(local(out, E8), 'utf8')).toBe('e8\n');
  });

  it('copies in the local file it names, onto the target name typed, leaving the twin alone', async () => {
    const src = mkdtempSync(join(scratch, 'in-'));
    writeFileSync(local(src, E9), 'local e9\n');
    writeFileSync(local(src, E8), 'local e8\n');
    expect((await remora(['exec', target.name, '--', 'mkdir', '/target/in'])).exitCode).toBe(0);

    // Source typed, into a directory.
    expect(await remoraBytes(['cp', local(src, E9), `${target.name}:/in/`])).toMatchObject({ exitCode: 0, stderr: '' });
    expect(await targetFiles('/in')).toEqual(new Map([['caf\xe9.txt', 'local e9\n']]));
    // Destination typed: a new name, then onto the existing file of the twin's name.
    expect(await remoraBytes(['cp', local(src, E8), at('/in/new\xe8')])).toMatchObject({ exitCode: 0, stderr: '' });
    expect(await remoraBytes(['cp', local(src, E8), at('/in/caf\xe9.txt')])).toMatchObject({ exitCode: 0, stderr: '' });
    expect(await targetFiles('/in')).toEqual(
      new Map([
        ['caf\xe9.txt', 'local e8\n'],
        ['new\xe8', 'local e8\n'],
      ]),
    );
    // The files copied out above were not touched.
    expect(await targetFiles('/names')).toEqual(
      new Map([
        ['caf\xe8.txt', 'e8\n'],
        ['caf\xe9.txt', 'e9\n'],
      ]),
    );
  });

  it('names a missing one escaped, in the target and locally (exit 1)', async () => {
    const out = mkdtempSync(join(scratch, 'missing-'));
    const outOfTarget = await remoraBytes(['cp', at('/names/caf\xe7.txt'), out]);
    expect(outOfTarget.exitCode).toBe(1);
    expect(outOfTarget.stderr).toBe(
      `remora: ${target.name}:/names/caf\\xe7.txt does not exist\nhint: list the directory with: remora exec ${target.name} -- ls -la /target/names\n`,
    );
    expect(namesIn(out)).toEqual([]);

    const intoTarget = await remoraBytes(['cp', local(scratch, 'caf\xe7.txt'), `${target.name}:/names/`]);
    expect(intoTarget.exitCode).toBe(1);
    expect(intoTarget.stderr).toBe(`remora: ${scratch}/caf\\xe7.txt does not exist\n`);

    const intoMissingDir = await remoraBytes(['cp', local(scratch, 'data'), at('/nowhere\xe7/x')]);
    expect(intoMissingDir.exitCode).toBe(1);
    expect(intoMissingDir.stderr).toBe(
      `remora: destination directory ${target.name}:/nowhere\\xe7 does not exist\nhint: create it first\n`,
    );
  });

  it('diff compares the file it names', async () => {
    for (const byte of ['e9', 'e8']) {
      const result = await remoraBytes(['diff', target.name, bytes(`/names/caf${String.fromCharCode(parseInt(byte, 16))}.txt`)]);
      const shown = `/names/caf\\x${byte}.txt`;
      expect(result).toMatchObject({ exitCode: 0, stderr: '' });
      expect(result.stdout).toBe(`--- /dev/null\n+++ ${target.name}:${shown}\n@@ -0,0 +1 @@\n+${byte}\n`);
    }
  });

  it('reaches the file through docker remora as well', async () => {
    const config = mkdtempSync(join(scratch, 'docker-config-'));
    mkdirSync(join(config, 'cli-plugins'));
    symlinkSync(REMORA_BIN, join(config, 'cli-plugins', 'docker-remora'));
    const out = mkdtempSync(join(scratch, 'plugin-'));
    const env = { DOCKER_CONFIG: config, PATH: process.env.PATH };
    const result = await runBytes('docker', ['remora', 'cp', at('/names/caf\xe8.txt'), `${out}/`], env);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(namesIn(out)).toEqual(['caf\xe8.txt']);
    expect(readFileSync(local(out, E8), 'utf8')).toBe('e8\n');
  });
});
