// Stand-ins at their edges, against the real engine: a large writable layer (progress while
// it is committed), remora killed half-way (nothing left once the next command has run), a
// bind mount whose source is gone, an image for another architecture, a crash loop, and the
// original removed while its stand-in is in use.
import { randomBytes } from 'node:crypto';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import tarStream from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remora, remoraProcess, runLabel, testEngine, TEST_LABEL } from '../support/fixtures.js';
import { runLabelsFor } from '../support/run-labels.js';
import { waitFor } from '../support/wait-for.js';
import { crasherImage } from '../support/post-mortem-images.js';
import { spawnRemora } from '../support/pty.js';

let engine: DockerEngine;
let image: string;
/** Containers this file made, removed at the end with what remora made for them. */
const made: string[] = [];

/** An exited crasher (code 3), with `extra` files copied into its writable layer. */
async function exitedCrasher(
  prefix: string,
  hostConfig: Parameters<DockerEngine['createContainer']>[0]['hostConfig'] = {},
): Promise<{ id: string; name: string }> {
  const name = `remora-t-${prefix}-${randomBytes(3).toString('hex')}`;
  const id = await engine.createContainer({ name, image, labels: { [TEST_LABEL]: runLabel() }, hostConfig });
  made.push(id);
  await engine.startContainer(id);
  expect(await (await engine.waitContainer(id, 'not-running')).exitCode).toBe(3);
  return { id, name };
}

async function standInsOf(id: string) {
  return engine.listContainers({ all: true, labels: [`${LABEL.standInFor}=${id}`] });
}

async function standInImagesOf(id: string): Promise<string[]> {
  const images = await execa('docker', ['images', '-q', '--filter', `label=${LABEL.standInFor}=${id}`]);
  return images.stdout.split('\n').filter(Boolean);
}

beforeAll(async () => {
  engine = testEngine();
  image = await crasherImage();
});

afterAll(async () => {
  for (const id of made) {
    const leftovers = [...(await standInsOf(id)), ...(await engine.listContainers({ all: true, labels: [`${LABEL.target}=${id}`] }))];
    await Promise.all(leftovers.map((c) => engine.removeContainer(c.id)));
    for (const image of await standInImagesOf(id)) await execa('docker', ['rmi', '-f', image], { reject: false });
    await engine.removeContainer(id);
  }
  engine?.dispose();
});

describe('a large writable layer', () => {
  let big: { id: string; name: string };
  beforeAll(async () => {
    big = await exitedCrasher('big');
    const dir = await mkdtemp(join(tmpdir(), 'remora-big-'));
    try {
      await writeFile(join(dir, 'big.bin'), '');
      await truncate(join(dir, 'big.bin'), 192 * 1024 * 1024);
      await execa('docker', ['cp', join(dir, 'big.bin'), `${big.id}:/big.bin`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says on one line what is committed and how big, off a terminal', async () => {
    const result = await remora(['exec', '--rm', big.name, '--', 'stat', '-c', '%s', '/target/big.bin']);
    expect(result.stdout).toBe(`${192 * 1024 * 1024}\n`);
    const lines = result.stderr.split('\n').filter((l) => l.includes('writable layer'));
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^remora: committing the writable layer of ${big.name}( \\(19\\d MiB\\))?…$`)),
    ]);
    expect(result.exitCode).toBe(0);
  });

  it('leaves no temporary image once the next command has run, when remora is killed during the commit', async () => {
    // A test label of its own: other test files' commands, which sweep their run's leftovers, leave this one alone.
    const env = { REMORA_LABELS: runLabelsFor(`${runLabel()}-killed`) };
    const child = remoraProcess(['exec', '--rm', big.name, '--', 'true'], { reject: false, stdin: 'ignore', buffer: false, env });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(() => stderr.includes('committing the writable layer'), { what: 'the commit to start', timeoutMs: 60_000 });
    child.kill('SIGKILL');
    await child;
    // The engine finishes the commit without remora: the image its owner will never remove.
    await waitFor(async () => (await standInImagesOf(big.id)).length === 1, { what: 'the orphaned image', timeoutMs: 60_000 });
    const owner = (
      await execa('docker', ['inspect', '-f', `{{index .Config.Labels "${LABEL.owner}"}}`, (await standInImagesOf(big.id))[0]!])
    ).stdout;
    expect(owner).toMatch(new RegExp(`^${child.pid}:\\d+@[-0-9a-f]+/pid:\\[\\d+\\]$`));
    // The next command that makes a stand-in (here of another target) removes it.
    const other = await exitedCrasher('other');
    expect((await remora(['exec', '--rm', other.name, '--', 'true'], { env })).exitCode).toBe(0);
    expect(await standInImagesOf(big.id)).toEqual([]);
    expect(await standInsOf(big.id)).toEqual([]);
  });

  it('shows the commit on a terminal as a line with its size and time, left in place at the end', async () => {
    await using session = spawnRemora(['exec', '--rm', big.name, '--', 'true']);
    expect((await session.exited).exitCode).toBe(0);
    const raw = session.output();
    // Redrawn in place (\r and erase-line), and the last one stays on its own line.
    expect(raw).toMatch(new RegExp(`\\r\\x1b\\[Kremora: committing the writable layer of ${big.name}( \\(19\\d MiB\\))?… \\d+s\\r?\\n`));
    expect(raw).toContain(`\r\x1b[Kremora: committing the writable layer of ${big.name}`);
    expect(await standInImagesOf(big.id)).toEqual([]);
  });
});

describe('a bind mount whose source is gone', () => {
  it('makes the stand-in without it and says which mount is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'remora-bind-'));
    await writeFile(join(dir, 'app.yaml'), 'port: 8080\n');
    const target = await exitedCrasher('bind', { mounts: [{ type: 'bind', source: dir, target: '/cfg', readOnly: true }] });
    await rm(dir, { recursive: true, force: true });
    const result = await remora(['exec', '--rm', target.name, '--', 'sh', '-c', 'cat /target/crash.log; ls -A /target/cfg']);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'started\n' });
    expect(result.stderr.split('\n').filter((l) => l.includes('/cfg'))).toEqual([
      `remora: bind mount ${dir} (at /cfg) no longer exists on the host: /cfg shows the image's files there`,
    ]);
    expect(await standInsOf(target.id)).toEqual([]);
  });
});

/**
 * `remora-test/arm64:<run>`: an image for arm64 made by hand as `docker load` reads one (a
 * manifest, an image config saying "architecture": "arm64", one layer with an aarch64 ELF
 * header as /app): there is no registry to pull one from.
 */
async function foreignImage(): Promise<string> {
  const tag = `remora-test/arm64:${runLabel()}`;
  const elf = Buffer.alloc(64);
  elf.write('\x7fELF', 0, 'latin1');
  elf[4] = 2; // 64-bit
  elf[5] = 1; // little-endian
  elf[6] = 1;
  elf.writeUInt16LE(2, 16); // ET_EXEC
  elf.writeUInt16LE(183, 18); // EM_AARCH64
  elf.writeUInt32LE(1, 20);
  elf.writeUInt16LE(64, 52); // e_ehsize
  const tarOf = async (files: Array<{ name: string; data: Buffer | string; mode?: number }>): Promise<Buffer> => {
    const pack = tarStream.pack();
    for (const f of files) pack.entry({ name: f.name, mode: f.mode ?? 0o644, mtime: new Date(0) }, f.data);
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
    return Buffer.concat(chunks);
  };
  const layer = await tarOf([{ name: 'app', data: elf, mode: 0o755 }]);
  const config = JSON.stringify({
    architecture: 'arm64',
    os: 'linux',
    config: { Entrypoint: ['/app'], Labels: { [TEST_LABEL]: runLabel() } },
    rootfs: { type: 'layers', diff_ids: [`sha256:${createHash('sha256').update(layer).digest('hex')}`] },
  });
  const manifest = JSON.stringify([{ Config: 'config.json', RepoTags: [tag], Layers: ['layer/layer.tar'] }]);
  const archive = await tarOf([
    { name: 'config.json', data: config },
    { name: 'layer/layer.tar', data: layer },
    { name: 'manifest.json', data: manifest },
  ]);
  await execa('docker', ['load'], { input: archive });
  return tag;
}

describe('an image for another architecture', () => {
  let foreign: string;
  beforeAll(async () => {
    foreign = await foreignImage();
  });
  afterAll(async () => {
    if (foreign) await execa('docker', ['rmi', '-f', foreign], { reject: false });
  });

  it('entrypoint names the architecture problem with the fix (exit 1)', async () => {
    const result = await remora(['entrypoint', foreign]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout.split('\n').filter((l) => l.startsWith('problem: '))[0]).toBe(
      'problem: the image is for arm64, the engine runs amd64: build it for linux/amd64 (docker build --platform linux/amd64)',
    );
  });

  it('strace --from-start refuses in one line; exec shows its files and says its programs cannot run', async () => {
    const trace = await remora(['strace', '--from-start', foreign]);
    expect(trace).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `remora: ${foreign} is built for arm64 and the engine runs amd64: its program cannot run here (exec format error)\nhint: remora entrypoint ${foreign} checks it; rebuild it for linux/amd64 (docker build --platform linux/amd64)\n`,
    });
    const files = await remora(['exec', '--rm', foreign, '--', 'ls', '/target/app']);
    expect(files).toMatchObject({ exitCode: 0, stdout: '/target/app\n' });
    expect(files.stderr).toContain(
      `remora: ${foreign} is built for arm64 and the engine runs amd64: its files are shown, its programs cannot run here\n`,
    );
  });
});

describe('a crash-looping container', () => {
  it('is said to be restarting, and strace --from-start traces a run of it', async () => {
    const name = `remora-t-loop-${randomBytes(3).toString('hex')}`;
    const run = await execa('docker', [
      'run',
      '-d',
      '--name',
      name,
      '--label',
      `${TEST_LABEL}=${runLabel()}`,
      '--restart',
      'always',
      image,
    ]);
    const id = run.stdout.trim();
    made.push(id);
    await waitFor(async () => Number((await execa('docker', ['inspect', '-f', '{{.RestartCount}}', id])).stdout) >= 3, {
      what: 'a few restarts',
      timeoutMs: 60_000,
    });
    const exec = await remora(['exec', name, '--', 'true']);
    expect(exec.exitCode).toBe(3);
    expect(exec.stderr).toMatch(
      new RegExp(
        `^remora: ${name} is restarting \\(crash loop: .*\\)\\nhint: trace a run from its first instruction with \`remora strace --from-start ${name}\``,
      ),
    );
    const trace = await remora(['strace', '--from-start', name, '-e', 'trace=execve,exit_group']);
    expect(trace.exitCode).toBe(3);
    const lines = trace.stdout.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(/^execve\("\/crasher", \["\/crasher"\]/);
    expect(lines.slice(-2)).toEqual([expect.stringMatching(/^exit_group\(3\)/), '+++ exited with 3 +++']);
    await execa('docker', ['rm', '-f', id]);
  });
});

describe('the original removed while its stand-in is in use', () => {
  it('ends the command with one line saying so', async () => {
    const target = await exitedCrasher('removed');
    const child = remoraProcess(['exec', '--rm', target.name, '--', 'sleep', '300'], { reject: false, stdin: 'ignore', timeout: 120_000 });
    await waitFor(
      async () =>
        (await engine.listContainers({ labels: [`${LABEL.target}`, `${TEST_LABEL}=${runLabel()}`] })).some((c) =>
          c.name.startsWith(`remora-${target.name}-`),
        ),
      {
        what: 'the --rm toolkit in the stand-in',
        timeoutMs: 60_000,
      },
    );
    await execa('docker', ['rm', target.id]);
    const ended = await child;
    expect({ exitCode: ended.exitCode, stderr: String(ended.stderr).split('\n').slice(-2) }).toEqual({
      exitCode: 3,
      stderr: [
        `remora: ${target.name} was removed while remora was looking at its files: the command was ended`,
        'hint: its files went with it; what was copied out is all that is left',
      ],
    });
    await waitFor(async () => (await standInsOf(target.id)).length === 0, { what: 'the stand-in to go', timeoutMs: 30_000 });
  });
});
