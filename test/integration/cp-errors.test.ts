// `remora cp` failures, one exact line each with its exit code and no temporary left
// behind; and confinement: `..`, symlinks to / and into /proc/<pid>/root, and a symlink
// swapped in while a copy runs never lead outside the target's root.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remora, startTarget, testEngine, type RunningTarget, runLabels } from '../support/fixtures.js';
import { TEST_IMAGES } from '../support/images.js';
import { inToolkit } from '../support/trees.js';

let engine: DockerEngine;
let scratch: RunningTarget;
let readOnly: RunningTarget;
let distroless: RunningTarget;
let work: string;
let small: string;
let twoMiB: string;

beforeAll(async () => {
  engine = testEngine();
  [scratch, readOnly, distroless] = await Promise.all([
    startTarget(engine, 'scratch'),
    startTarget(engine, 'scratch', { readOnly: true, tmpfs: { '/data/tmp': 'size=1m' } }),
    startTarget(engine, 'distroless'),
  ]);
  work = mkdtempSync(join(tmpdir(), 'remora-cp-errors-'));
  small = join(work, 'small.txt');
  writeFileSync(small, 'small\n');
  twoMiB = join(work, 'two.bin');
  writeFileSync(twoMiB, randomBytes(2 * 1024 * 1024));
});

afterAll(async () => {
  await Promise.all([scratch, readOnly, distroless].map((t) => t?.[Symbol.asyncDispose]()));
  engine?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function temporariesIn(target: string, dir: string): Promise<string> {
  return inToolkit(target, 'ls -a "/target$1" | grep remora-tmp || true', dir);
}

describe('errors: one line, a hint, a non-zero exit, nothing left behind', () => {
  it('source missing, either side', async () => {
    expect(await remora(['cp', `${scratch.name}:/data/nope`, work])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `remora: ${scratch.name}:/data/nope does not exist\nhint: list the directory with: remora exec ${scratch.name} -- ls -la /target/data\n`,
    });
    expect(await remora(['cp', join(work, 'nope'), `${scratch.name}:/data/`])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `remora: ${join(work, 'nope')} does not exist\n`,
    });
  });

  it('destination directory missing, either side', async () => {
    expect(await remora(['cp', small, `${scratch.name}:/data/missing/x`])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `remora: destination directory ${scratch.name}:/data/missing does not exist\nhint: create it first\n`,
    });
    expect(await remora(['cp', small, `${scratch.name}:/data/missing/`])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `remora: destination directory ${scratch.name}:/data/missing/ does not exist\nhint: create it first, or drop the trailing / to copy to a file of that name\n`,
    });
    const local = join(work, 'missing', 'x');
    expect(await remora(['cp', `${scratch.name}:/etc/passwd`, local])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `remora: destination directory ${join(work, 'missing')} does not exist\nhint: create it first\n`,
    });
  });

  it('a directory onto a file, a file with a trailing /', async () => {
    expect(await remora(['cp', work, `${scratch.name}:/etc/passwd`])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `remora: cannot copy a directory onto the file ${scratch.name}:/etc/passwd\nhint: name a directory, or a path that does not exist yet\n`,
    });
    expect(await remora(['cp', `${scratch.name}:/etc/passwd/`, work])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `remora: ${scratch.name}:/etc/passwd/ is not a directory\nhint: drop the trailing / to copy it\n`,
    });
  });

  it('read-only root filesystem and read-only mount, named', async () => {
    expect(await remora(['cp', small, `${readOnly.name}:/etc/`])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `remora: cannot write ${readOnly.name}:/etc/small.txt: the target's root filesystem is read-only\nhint: the target runs with a read-only root (--read-only): write to one of its writable mounts (a tmpfs or a volume)\n`,
    });
    const volume = `remora-t-rovol-${randomBytes(3).toString('hex')}`;
    const name = `remora-t-romount-${randomBytes(3).toString('hex')}`;
    await execa('docker', ['volume', 'create', '--label', runLabels(), volume]);
    try {
      await execa('docker', ['run', '-d', '--name', name, '--label', runLabels(), '-v', `${volume}:/data/ro:ro`, TEST_IMAGES.scratch]);
      expect(await remora(['cp', small, `${name}:/data/ro/x`])).toEqual({
        exitCode: 1,
        stdout: '',
        stderr: `remora: cannot write ${name}:/data/ro/x: the mount at /data/ro is read-only\nhint: write to a writable mount of the target (a tmpfs or a volume)\n`,
      });
    } finally {
      await execa('docker', ['rm', '-f', '-v', name], { reject: false });
      await execa('docker', ['volume', 'rm', volume], { reject: false });
    }
  });

  it('no space left on a size-limited tmpfs, the old file intact, no temporary', async () => {
    await inToolkit(readOnly.name, 'echo old > /target/data/tmp/full.bin');
    expect(await remora(['cp', twoMiB, `${readOnly.name}:/data/tmp/full.bin`])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `remora: no space left on the tmpfs at /data/tmp (size 1024k) writing ${readOnly.name}:/data/tmp/full.bin\nhint: free some space there, or copy somewhere else\n`,
    });
    expect(await inToolkit(readOnly.name, 'cat /target/data/tmp/full.bin')).toBe('old\n');
    expect(await temporariesIn(readOnly.name, '/data/tmp')).toBe('');
  });

  it('a file the engine mounted into the target (/etc/hostname): refused, the mount left in place', async () => {
    const before = await inToolkit(scratch.name, 'cat /target/etc/hostname');
    expect(await remora(['cp', small, `${scratch.name}:/etc/hostname`])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `remora: cannot write ${scratch.name}:/etc/hostname: is a mount point in the target; replacing it would unmount it\n`,
    });
    expect(await inToolkit(scratch.name, 'grep -c " /etc/hostname " /proc/1/mountinfo')).toBe('1\n');
    expect(await inToolkit(scratch.name, 'cat /target/etc/hostname')).toBe(before);
    expect(await temporariesIn(scratch.name, '/etc')).toBe('');
  });

  it('permission denied (a toolkit without capabilities on a nonroot target)', async () => {
    expect(await remora(['cp', '--profile', 'restricted', `${distroless.name}:/data/app.log`, work])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `remora: permission denied reading ${distroless.name}:/data/app.log\nhint: the restricted profile has no capabilities; use --profile general\n`,
    });
    expect(await remora(['cp', '--profile', 'restricted', small, `${distroless.name}:/data/`])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `remora: permission denied writing ${distroless.name}:/data\nhint: the restricted profile has no capabilities; use --profile general\n`,
    });
  });

  it('target not running: a copy in is refused (exit 3); exited targets are read through a stand-in', async () => {
    await using stopped = await startTarget(engine, 'scratch');
    await execa('docker', ['stop', '-t', '10', stopped.id]);
    const result = await remora(['cp', small, `${stopped.name}:/data/`]);
    expect(result).toMatchObject({ exitCode: 3, stdout: '' });
    expect(result.stderr).toMatch(
      new RegExp(
        `^remora: ${stopped.name} exited \\d+[smhd] ago \\(code \\d+\\): remora copies only into running containers \\(a copy would land in a throwaway stand-in\\)\nhint: docker cp writes into a stopped container's own files[^\n]*\n$`,
      ),
    );
  });

  it('usage errors (exit 2)', async () => {
    expect(await remora(['cp', `${scratch.name}:/etc/passwd`])).toMatchObject({
      exitCode: 2,
      stderr:
        'remora: remora cp needs a source and a destination\nhint: remora cp app:/etc/hostname .  or  remora cp ./config.yaml app:/etc/app/\n',
    });
    expect(await remora(['cp', `${scratch.name}:/etc/passwd`, `${distroless.name}:/tmp/`])).toMatchObject({
      exitCode: 2,
      stderr: `remora: cannot copy from one target to another (${scratch.name}:/etc/passwd to ${distroless.name}:/tmp/)\nhint: copy out to a local directory, then in\n`,
    });
    expect(await remora(['cp', small, join(work, 'x')])).toMatchObject({ exitCode: 2 });
    expect(await remora(['cp', '--owner', 'app', small, `${scratch.name}:/data/`])).toMatchObject({
      exitCode: 2,
      stderr: 'remora: --owner takes UID:GID in numbers, not "app"\nhint: e.g. --owner 65532:65532\n',
    });
    expect(await remora(['cp', '--owner', '1:1', '--archive', small, `${scratch.name}:/data/`])).toMatchObject({ exitCode: 2 });
  });
});

describe('confinement to the target root', () => {
  let keeperPid: string;
  const escape = `escape-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    // A toolkit-side secret: what a copy would reach if it resolved paths in the toolkit.
    keeperPid = (
      await inToolkit(scratch.name, `cat /run/remora-keeper.pid; mkdir -p /tmp/${escape}; echo toolkit-secret > /tmp/${escape}/secret`)
    ).trim();
    await inToolkit(
      scratch.name,
      [
        'cd /target/data',
        'ln -sfn / to-root',
        `ln -sfn /proc/${keeperPid}/root to-toolkit`,
        'ln -sfn /proc/self/root to-self',
        'ln -sfn ../../../../../../../../tmp up-and-out',
        `ln -sfn /tmp/${escape} absolute-tmp`,
      ].join('\n'),
    );
  });

  it("stops .. at the target's /", async () => {
    const dest = mkdtempSync(join(work, 'dots-'));
    expect((await remora(['cp', `${scratch.name}:/../../../../../etc/passwd`, dest])).exitCode).toBe(0);
    expect(readFileSync(join(dest, 'passwd'), 'utf8')).toMatch(/^nonroot:x:65532/m);
    const out = await remora(['cp', `${scratch.name}:/data/up-and-out/${escape}/secret`, dest]);
    expect(out).toMatchObject({ exitCode: 1, stderr: expect.stringContaining('does not exist') });
  });

  it('follows a symlink to / (absolute or relative) inside the target, not the toolkit', async () => {
    const dest = mkdtempSync(join(work, 'root-'));
    expect(await remora(['cp', `${scratch.name}:/data/to-root/tmp/${escape}/secret`, dest])).toMatchObject({
      exitCode: 1,
      stderr: expect.stringContaining('does not exist'),
    });
    expect(await remora(['cp', `${scratch.name}:/data/absolute-tmp/secret`, dest])).toMatchObject({
      exitCode: 1,
      stderr: expect.stringContaining('does not exist'),
    });
    expect((await remora(['cp', `${scratch.name}:/data/to-root/etc/passwd`, dest])).exitCode).toBe(0);
    // Copying in through the absolute link lands in the target's /tmp.
    expect((await remora(['cp', small, `${scratch.name}:/data/to-root/tmp/`])).exitCode).toBe(0);
    expect(await inToolkit(scratch.name, `cat /target/tmp/small.txt; ls /tmp/${escape}`)).toBe('small\nsecret\n');
    expect(readdirSync(dest)).toEqual(['passwd']);
  });

  it('refuses the magic links /proc/<toolkit pid>/root and /proc/self/root, both ways', async () => {
    const dest = mkdtempSync(join(work, 'magic-'));
    const outsideRoot = `leads outside the target's root filesystem (a link into /proc, or too many symbolic links): not followed\nhint: paths are resolved inside the target's root, as in a chroot\n`;
    expect(await remora(['cp', `${scratch.name}:/data/to-toolkit/tmp/${escape}/secret`, dest])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `remora: ${scratch.name}:/data/to-toolkit/tmp/${escape}/secret ${outsideRoot}`,
    });
    expect(await remora(['cp', '-L', `${scratch.name}:/data/to-self`, dest])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `remora: ${scratch.name}:/data/to-self ${outsideRoot}`,
    });
    expect(await remora(['cp', small, `${scratch.name}:/data/to-toolkit/tmp/${escape}/`])).toMatchObject({
      exitCode: 1,
      stderr: expect.stringContaining('leads outside the target'),
    });
    expect(await inToolkit(scratch.name, `ls /tmp/${escape}`)).toBe('secret\n');
    // Without -L a magic link is copied as what it is: a symlink, never followed.
    expect((await remora(['cp', `${scratch.name}:/data/to-toolkit`, dest])).exitCode).toBe(0);
    expect(readdirSync(dest)).toEqual(['to-toolkit']);
  });

  it('never escapes while a directory is swapped for a symlink during copies, either way', async () => {
    const tree = join(work, 'swap-src');
    mkdirSync(join(tree, 'sub'), { recursive: true });
    for (let i = 0; i < 300; i++) writeFileSync(join(tree, 'sub', `f${i}`), `file ${i}\n`);
    await inToolkit(
      scratch.name,
      'mkdir -p /target/data/swap-out/sub && for i in $(seq 1 300); do echo "in target $i" > /target/data/swap-out/sub/f$i; done',
    );
    // Swaps sub <-> a symlink into the toolkit (magic) or to an absolute path, as fast as it can.
    const swapper = remora([
      'exec',
      scratch.name,
      '--',
      'sh',
      '-c',
      `cd /target/data; mkdir -p swap-in; while [ ! -e /tmp/${escape}.stop ]; do
         for d in swap-in swap-out; do
           [ -d $d/sub ] && [ ! -L $d/sub ] && mv $d/sub $d/sub.real
           ln -sfn /proc/${keeperPid}/root/tmp/${escape} $d/sub.link; mv -T $d/sub.link $d/sub
           ln -sfn /tmp/${escape} $d/sub.link; mv -T $d/sub.link $d/sub
           rm -f $d/sub; [ -d $d/sub.real ] && mv $d/sub.real $d/sub
         done
       done`,
    ]);
    const outs: string[] = [];
    for (let round = 0; round < 4; round++) {
      await remora(['cp', join(tree, 'sub'), `${scratch.name}:/data/swap-in/`]);
      const out = mkdtempSync(join(work, 'swap-out-'));
      outs.push(out);
      await remora(['cp', `${scratch.name}:/data/swap-out/sub`, out]);
    }
    await inToolkit(scratch.name, `touch /tmp/${escape}.stop`);
    await swapper;
    // Nothing reached the toolkit's directory, and nothing of it came out.
    expect(await inToolkit(scratch.name, `ls /tmp/${escape}`)).toBe('secret\n');
    for (const out of outs) {
      const found = await execa('grep', ['-rl', 'toolkit-secret', out], { reject: false });
      expect(found.stdout).toBe('');
    }
    expect(existsSync(join(work, 'swap-src', 'sub', 'f0'))).toBe(true);
  });
});
