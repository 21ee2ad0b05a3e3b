// Stand-ins at their edges, against the real engine: a large writable layer (progress while
// it is committed), remora killed half-way (nothing left once the next command has run).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remora, remoraProcess, runLabel, testEngine } from '../support/fixtures.js';
import { waitFor } from '../support/wait-for.js';
import { crasherImage } from '../support/post-mortem-images.js';
import { spawnRemora } from '../support/pty.js';

let engine: DockerEngine;
let image: string;
/** Containers this file made, removed at the end with what remora made for them. */
const made: string[] = [];

/** An exited crasher (code 3), with `extra` files copied into its writable layer. */
async function exitedCrasher(prefix: string, hostConfig: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
  const name = `pm-${prefix}-${randomBytes(3).toString('hex')}`;
  const id = await engine.createContainer({ name, image, labels: { [LABEL.test]: runLabel() }, hostConfig });
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
    const child = remoraProcess(['exec', '--rm', big.name, '--', 'true'], { reject: false, stdin: 'ignore', buffer: false });
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
    // Any command that sweeps (here one on another target) removes it.
    const other = await exitedCrasher('other');
    expect((await remora(['exec', '--rm', other.name, '--', 'true'])).exitCode).toBe(0);
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
