// `remora cp` round trips against real shell-less targets: odd names, modes, times,
// symlinks and hard links both ways; ownership on a nonroot target; a tmpfs and a named
// volume (which docker cp cannot serve the way the process sees them); tar streams.
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remoraProcess, remora, startTarget, testEngine, type RunningTarget, runLabels } from '../support/fixtures.js';
import { TEST_IMAGES } from '../support/images.js';
import { inToolkit, localTree, makeTree, targetTree, without } from '../support/trees.js';

let engine: DockerEngine;
let scratch: RunningTarget;
let distroless: RunningTarget;
let work: string;

beforeAll(async () => {
  engine = testEngine();
  [scratch, distroless] = await Promise.all([
    startTarget(engine, 'scratch', { tmpfs: { '/data/tmp': 'size=64m' } }),
    startTarget(engine, 'distroless'),
  ]);
  work = mkdtempSync(join(tmpdir(), 'remora-cp-'));
});

afterAll(async () => {
  await Promise.all([scratch?.[Symbol.asyncDispose](), distroless?.[Symbol.asyncDispose]()]);
  engine?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

function fresh(name: string): string {
  const dir = join(work, `${name}-${randomBytes(3).toString('hex')}`);
  mkdirSync(dir);
  return dir;
}

/** The local tree as it should arrive: everything but the fifo, owned as the target's user. */
function expected(tree: ReturnType<typeof localTree>, owner: string) {
  return without(
    tree.filter((e) => e.type !== 'p'),
    'owner',
  ).map((e) => ({ ...e, owner }));
}

describe('a tree in and out of a scratch target', () => {
  it('keeps names, modes, times, symlinks and hard links both ways, and warns about the fifo', async () => {
    const base = fresh('tree');
    const source = join(base, 'tree');
    makeTree(source, { fifo: true });
    const original = localTree(source);

    const copyIn = await remora(['cp', source, `${scratch.name}:/data/`]);
    expect(copyIn).toMatchObject({ exitCode: 0, stdout: '' });
    expect(copyIn.stderr).toBe(`remora: warning: ${source}/a-fifo: a fifo, skipped\n`);
    expect(await targetTree(scratch.name, '/data/tree')).toEqual(expected(original, '0:0'));

    const back = fresh('back');
    const copyOut = await remora(['cp', `${scratch.name}:/data/tree`, join(back, 'again')]);
    expect(copyOut).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(localTree(join(back, 'again'))).toEqual(expected(original, '0:0'));
    expect(readlinkSync(join(back, 'again', 'link-abs'))).toBe('/etc/passwd');
  });

  it('streams a tar to stdout and takes one on stdin, as docker cp does', async () => {
    const source = join(fresh('tar'), 'tarred');
    makeTree(source);
    expect((await remora(['cp', source, `${scratch.name}:/data/`])).exitCode).toBe(0);

    const out = await remoraProcess(['cp', `${scratch.name}:/data/tarred`, '-'], { encoding: 'buffer' });
    const listing = await execa('tar', ['-t'], { input: out.stdout });
    expect(listing.stdout.split('\n')).toContain('tarred/sub/deep/random.bin');
    expect(listing.stdout.split('\n')).toContain('tarred/');

    await inToolkit(scratch.name, 'mkdir /target/data/from-tar');
    const into = await remora(['cp', '-', `${scratch.name}:/data/from-tar`], { input: out.stdout });
    expect(into).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(await targetTree(scratch.name, '/data/from-tar/tarred')).toEqual(await targetTree(scratch.name, '/data/tarred'));

    // dir/. gives ./-rooted names, as docker cp does.
    const contents = await remoraProcess(['cp', `${scratch.name}:/data/tarred/.`, '-'], { encoding: 'buffer' });
    expect((await execa('tar', ['-t'], { input: contents.stdout })).stdout.split('\n')).toContain('./sub/deep/random.bin');
  });

  it('copies several sources into one directory, and follows a source symlink with -L', async () => {
    await inToolkit(
      scratch.name,
      'mkdir -p /target/data/many && echo one > /target/data/many/one && echo two > /target/data/many/two && ln -sf one /target/data/many/link',
    );
    const dest = fresh('many');
    const out = await remora([
      'cp',
      `${scratch.name}:/data/many/one`,
      `${scratch.name}:/data/many/two`,
      `${scratch.name}:/data/many/link`,
      dest,
    ]);
    expect(out).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(readFileSync(join(dest, 'two'), 'utf8')).toBe('two\n');
    expect(readlinkSync(join(dest, 'link'))).toBe('one');

    const followed = fresh('followed');
    expect((await remora(['cp', '-L', `${scratch.name}:/data/many/link`, followed])).exitCode).toBe(0);
    expect(readFileSync(join(followed, 'link'), 'utf8')).toBe('one\n');

    writeFileSync(join(dest, 'three'), 'three\n');
    const copyIn = await remora(['cp', join(dest, 'two'), join(dest, 'three'), `${scratch.name}:/data/many/`]);
    expect(copyIn.exitCode).toBe(0);
    expect(await inToolkit(scratch.name, 'cat /target/data/many/three')).toBe('three\n');
  });

  it('checks both sides with --verify', async () => {
    const source = fresh('verify');
    writeFileSync(join(source, 'a.bin'), randomBytes(3 * 1024 * 1024));
    const copyIn = await remora(['cp', '--verify', join(source, 'a.bin'), `${scratch.name}:/data/verified.bin`]);
    expect(copyIn).toEqual({ exitCode: 0, stdout: '', stderr: 'remora: verified: SHA-256 of 1 file identical on both sides\n' });
    const copyOut = await remora(['cp', '--verify', `${scratch.name}:/data/tree`, join(source, 'tree')]);
    expect(copyOut.exitCode).toBe(0);
    expect(copyOut.stderr).toMatch(/^remora: verified: SHA-256 of \d+ files identical on both sides\n$/);
  });

  it('reads what only the toolkit can see: /proc of the target', async () => {
    const dest = fresh('proc');
    expect((await remora(['cp', `${scratch.name}:/proc/1/cmdline`, join(dest, 'cmdline')])).exitCode).toBe(0);
    expect(readFileSync(join(dest, 'cmdline'), 'utf8')).toBe('/app\0');
  });
});

describe('ownership on a nonroot (distroless) target', () => {
  it('gives files the uid:gid of the main process by default, so the app can read them', async () => {
    const source = join(fresh('owned'), 'conf');
    makeTree(source);
    expect((await remora(['cp', source, `${distroless.name}:/data/`])).exitCode).toBe(0);
    const tree = await targetTree(distroless.name, '/data/conf');
    expect(new Set(tree.map((e) => e.owner))).toEqual(new Set(['65532:65532']));
    expect(without(tree, 'owner')).toEqual(without(localTree(source), 'owner'));
  });

  it('sets --owner, and keeps local owners with --archive', async () => {
    const source = fresh('owners');
    writeFileSync(join(source, 'mine'), 'x');
    chownSync(join(source, 'mine'), 4242, 4343);
    expect((await remora(['cp', '--owner', '1234:5678', join(source, 'mine'), `${distroless.name}:/data/given`])).exitCode).toBe(0);
    expect((await remora(['cp', '--archive', join(source, 'mine'), `${distroless.name}:/data/kept`])).exitCode).toBe(0);
    expect(await inToolkit(distroless.name, 'stat -c "%n %u:%g" /target/data/given /target/data/kept')).toBe(
      '/target/data/given 1234:5678\n/target/data/kept 4242:4343\n',
    );
  });

  it('replaces a file the app owns, atomically, keeping the new owner', async () => {
    await inToolkit(distroless.name, 'echo old > /target/data/app.conf && chown 65532:65532 /target/data/app.conf');
    const source = fresh('replace');
    writeFileSync(join(source, 'app.conf'), 'new\n');
    expect((await remora(['cp', join(source, 'app.conf'), `${distroless.name}:/data/app.conf`])).exitCode).toBe(0);
    expect(
      await inToolkit(
        distroless.name,
        'cat /target/data/app.conf; stat -c "%u:%g" /target/data/app.conf; ls -a /target/data | grep -c remora-tmp || true',
      ),
    ).toBe('new\n65532:65532\n0\n');
  });
});

describe('mounts docker cp does not serve as the process sees them', () => {
  it('round-trips a tree through a size-limited tmpfs', async () => {
    const source = join(fresh('tmpfs'), 'ontmpfs');
    makeTree(source);
    expect((await remora(['cp', source, `${scratch.name}:/data/tmp/`])).exitCode).toBe(0);
    expect(await targetTree(scratch.name, '/data/tmp/ontmpfs')).toEqual(expected(localTree(source), '0:0'));
    const back = fresh('tmpfs-back');
    expect((await remora(['cp', `${scratch.name}:/data/tmp/ontmpfs/.`, back])).exitCode).toBe(0);
    expect(without(localTree(back), 'owner')).toEqual(without(localTree(source), 'owner'));
  });

  it('round-trips a tree through a named volume', async () => {
    const volume = `remora-t-vol-${randomBytes(3).toString('hex')}`;
    const name = `remora-t-vol-target-${randomBytes(3).toString('hex')}`;
    await execa('docker', ['volume', 'create', '--label', runLabels(), volume]);
    try {
      await execa('docker', ['run', '-d', '--name', name, '--label', runLabels(), '-v', `${volume}:/data/vol`, TEST_IMAGES.scratch]);
      const source = join(fresh('volume'), 'onvolume');
      makeTree(source);
      expect((await remora(['cp', source, `${name}:/data/vol/`])).exitCode).toBe(0);
      expect(await targetTree(name, '/data/vol/onvolume')).toEqual(expected(localTree(source), '0:0'));
      const back = fresh('volume-back');
      expect((await remora(['cp', `${name}:/data/vol/onvolume`, back])).exitCode).toBe(0);
      expect(localTree(join(back, 'onvolume'))).toEqual(expected(localTree(source), '0:0'));
    } finally {
      await execa('docker', ['rm', '-f', '-v', name], { reject: false });
      await execa('docker', ['volume', 'rm', volume], { reject: false });
    }
  });
});
