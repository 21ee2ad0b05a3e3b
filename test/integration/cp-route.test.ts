// The archive route of `remora cp` (core/copy-route.ts): large regular files on the
// target's overlay root and on a volume go through the engine's archive API, both ways,
// with the guarantees of the exec stream: confinement inside the target's root, owner and
// mode, --verify, nothing half-written under the final name (SIGKILL included), and the
// exec stream kept where the engine cannot see (a tmpfs).
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  ftruncateSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remora, remoraProcess, runLabel, TEST_LABEL, testEngine } from '../support/fixtures.js';
import { makeLargeFile, sha256File } from '../support/large-file.js';
import { TEST_IMAGES } from '../support/images.js';
import { inToolkit } from '../support/trees.js';
import { waitFor } from '../support/wait-for.js';

const MIB = 1024 * 1024;
let engine: DockerEngine;
let targetId: string;
let target: string;
let volume: string;
let work: string;
let big: string;
let bigSha: string;

/** A file of `bytes` with random data at both ends (sparse between): large, cheap, not all zeros. */
const routeLine = (stderr: string): string | undefined => /^remora: cp: (\w+) route/m.exec(stderr)?.[1];
const temporariesIn = (dir: string): Promise<string> => inToolkit(target, `ls -a /target${dir} | grep remora-tmp || true`);

beforeAll(async () => {
  engine = testEngine();
  volume = `remora-cp-route-${randomBytes(3).toString('hex')}`;
  await execa('docker', ['volume', 'create', '--label', `${TEST_LABEL}=${runLabel()}`, volume]);
  target = `remora-t-cp-route-${randomBytes(3).toString('hex')}`;
  // Distroless: runs as 65532, whom a copy-in's file belongs to unless told otherwise.
  targetId = await engine.createContainer({
    name: target,
    image: TEST_IMAGES.distroless,
    labels: { [TEST_LABEL]: runLabel() },
    hostConfig: { tmpfs: { '/scratch': '' }, mounts: [{ type: 'volume', source: volume, target: '/vol', readOnly: false }] },
  });
  work = mkdtempSync(join(tmpdir(), 'remora-cp-route-'));
  big = join(work, 'big.bin');
  bigSha = makeLargeFile(big, 130 * MIB);
  // A large file in the target's layer at /scratch/hidden.bin, put there before the start:
  // the tmpfs mounted at /scratch then hides it from the target, not from the engine.
  mkdirSync(join(work, 'layer', 'scratch'), { recursive: true });
  linkSync(big, join(work, 'layer', 'scratch', 'hidden.bin'));
  await execa('docker', ['cp', join(work, 'layer', 'scratch'), `${targetId}:/scratch`]);
  await engine.startContainer(targetId);
});

afterAll(async () => {
  if (targetId) {
    const toolkits = await engine.listContainers({ all: true, labels: [`${LABEL.target}=${targetId}`] });
    await Promise.all([engine.removeContainer(targetId), ...toolkits.map((t) => engine.removeContainer(t.id))]);
  }
  if (volume) await execa('docker', ['volume', 'rm', '-f', volume], { reject: false });
  engine?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('copy-in by the archive route', () => {
  it("onto the overlay root: owned by the target's user, mode kept, verified, no temporary", async () => {
    await execa('chmod', ['640', big]);
    const result = await remora(['cp', '--debug', '--verify', big, `${target}:/tmp/in.bin`]);
    expect(result.stderr).toBe(
      "remora: cp: archive route (a 130 MiB file on the target's writable overlay root)\nremora: verified: SHA-256 of 1 file identical on both sides\n",
    );
    expect(result.exitCode).toBe(0);
    expect(await inToolkit(target, 'stat -c %u:%g:%a:%s /target/tmp/in.bin; sha256sum < /target/tmp/in.bin')).toBe(
      `65532:65532:640:${130 * MIB}\n${bigSha}  -\n`,
    );
    expect(await temporariesIn('/tmp')).toBe('');
  });

  it('over an existing file: its new bytes under the name, no temporary left', async () => {
    const second = join(work, 'second.bin');
    const secondSha = makeLargeFile(second, 129 * MIB);
    await remora(['cp', big, `${target}:/tmp/over.bin`]);
    const result = await remora(['cp', '--verify', second, `${target}:/tmp/over.bin`]);
    expect(result).toMatchObject({ exitCode: 0, stderr: 'remora: verified: SHA-256 of 1 file identical on both sides\n' });
    expect(await inToolkit(target, 'stat -c %s /target/tmp/over.bin; sha256sum < /target/tmp/over.bin')).toBe(
      `${129 * MIB}\n${secondSha}  -\n`,
    );
    expect(await temporariesIn('/tmp')).toBe('');
    rmSync(second);
  });

  it('into a volume, with --owner', async () => {
    const result = await remora(['cp', '--debug', '--owner', '1234:5678', big, `${target}:/vol/`]);
    expect(result).toMatchObject({ exitCode: 0, stderr: 'remora: cp: archive route (a 130 MiB file on the writable volume at /vol)\n' });
    expect(await inToolkit(target, 'stat -c %u:%g /target/vol/big.bin; sha256sum < /target/vol/big.bin')).toBe(`1234:5678\n${bigSha}  -\n`);
  });

  it('keeps the exec stream for a tmpfs, which only the toolkit sees', async () => {
    const result = await remora(['cp', '--debug', big, `${target}:/scratch/big.bin`]);
    expect(result).toMatchObject({
      exitCode: 0,
      stderr: 'remora: cp: exec route (on the tmpfs at /scratch, which only the toolkit sees)\n',
    });
    expect(await inToolkit(target, 'sha256sum < /target/scratch/big.bin')).toBe(`${bigSha}  -\n`);
    await inToolkit(target, 'rm /target/scratch/big.bin');
  });

  it("follows a planted symlink only inside the target's root", async () => {
    // On the host, /tmp/<dir> exists too: a link resolved outside the root would land there.
    const hostDir = mkdtempSync(join(tmpdir(), 'remora-cp-route-host-'));
    const name = hostDir.slice(hostDir.lastIndexOf('/') + 1);
    await inToolkit(target, `mkdir -p /target/tmp/${name} && ln -s ../../../../../../tmp/${name} /target/vol/escape`);
    try {
      const result = await remora(['cp', '--debug', big, `${target}:/vol/escape/`]);
      expect(result).toMatchObject({
        exitCode: 0,
        stderr: "remora: cp: archive route (a 130 MiB file on the target's writable overlay root)\n",
      });
      expect(readdirSync(hostDir)).toEqual([]);
      expect(await inToolkit(target, `sha256sum < /target/tmp/${name}/big.bin`)).toBe(`${bigSha}  -\n`);
    } finally {
      rmSync(hostDir, { recursive: true, force: true });
    }
  });

  it('SIGKILLed midway: no final name, and no temporary once the engine notices', async () => {
    const huge = join(work, 'huge.bin');
    const fd = openSync(huge, 'w');
    ftruncateSync(fd, 3 * 1024 * MIB);
    closeSync(fd);
    await inToolkit(target, 'mkdir -p /target/vol/kill');
    const copy = remoraProcess(['cp', huge, `${target}:/vol/kill/huge.bin`], { reject: false, stdin: 'ignore' });
    await waitFor(async () => (await temporariesIn('/vol/kill')).trim() !== '', { what: 'the temporary to appear', timeoutMs: 60_000 });
    copy.kill('SIGKILL');
    await copy;
    rmSync(huge);
    await waitFor(async () => (await temporariesIn('/vol/kill')) === '', { what: 'the temporary to be removed', timeoutMs: 60_000 });
    expect(await inToolkit(target, 'ls -A /target/vol/kill')).toBe('');
    // The next copy into the directory lands and leaves nothing else.
    expect((await remora(['cp', big, `${target}:/vol/kill/`])).exitCode).toBe(0);
    expect(await inToolkit(target, 'ls -A /target/vol/kill')).toBe('big.bin\n');
  });
});

describe('copy-out by the archive route', () => {
  it('from the overlay root and a volume, verified', async () => {
    for (const [path, reason] of [
      ['/tmp/in.bin', "a 130 MiB file on the target's writable overlay root"],
      ['/vol/big.bin', 'a 130 MiB file on the writable volume at /vol'],
    ] as const) {
      const dest = join(work, `out-${path.replaceAll('/', '_')}`);
      const result = await remora(['cp', '--debug', '--verify', `${target}:${path}`, dest]);
      expect(result.stderr).toBe(`remora: cp: archive route (${reason})\nremora: verified: SHA-256 of 1 file identical on both sides\n`);
      expect(result.exitCode).toBe(0);
      expect(sha256File(dest)).toBe(bigSha);
      expect(statSync(dest).mode & 0o777).toBe(0o640);
      expect(readdirSync(work).filter((name) => name.startsWith('.remora-'))).toEqual([]);
    }
  });

  it('over an existing local file, and over a symlink without writing through it', async () => {
    const dest = join(work, 'replaced.bin');
    writeFileSync(dest, 'the old copy\n');
    const victim = join(work, 'victim.txt');
    writeFileSync(victim, 'not to be written\n');
    const linked = join(work, 'linked.bin');
    symlinkSync(victim, linked);
    for (const path of [dest, linked]) {
      const result = await remora(['cp', `${target}:/tmp/in.bin`, path]);
      expect(result).toMatchObject({ exitCode: 0, stderr: '' });
      expect(lstatSync(path).isFile()).toBe(true);
      expect(sha256File(path)).toBe(bigSha);
    }
    expect(readFileSync(victim, 'utf8')).toBe('not to be written\n');
    expect(readdirSync(work).filter((name) => name.startsWith('.remora-'))).toEqual([]);
    rmSync(dest);
    rmSync(linked);
    rmSync(victim);
  });

  it("follows a link (-L) only inside the target's root", async () => {
    // /vol/up -> ../../../../tmp/in.bin: inside the root that is the target's /tmp/in.bin.
    await inToolkit(target, 'ln -sfn ../../../../../tmp/in.bin /target/vol/up');
    const dest = join(work, 'up.bin');
    const result = await remora(['cp', '--debug', '-L', `${target}:/vol/up`, dest]);
    expect(result).toMatchObject({
      exitCode: 0,
      stderr: "remora: cp: archive route (a 130 MiB file on the target's writable overlay root)\n",
    });
    expect(sha256File(dest)).toBe(bigSha);
    // A link on the way (/vol/tmp -> ../tmp): the engine and remora-fs both find /tmp/in.bin.
    await inToolkit(target, 'ln -sfn ../tmp /target/vol/tmp');
    const through = await remora(['cp', '--debug', `${target}:/vol/tmp/in.bin`, join(work, 'through.bin')]);
    expect(through).toMatchObject({
      exitCode: 0,
      stderr: "remora: cp: archive route (a 130 MiB file on the target's writable overlay root)\n",
    });
    expect(sha256File(join(work, 'through.bin'))).toBe(bigSha);
    // Without -L the link itself is copied, by the exec stream.
    const link = await remora(['cp', '--debug', `${target}:/vol/up`, join(work, 'up.link')]);
    expect(link).toMatchObject({ exitCode: 0, stderr: 'remora: cp: exec route (not a regular file)\n' });
  });

  it('keeps the exec stream for a file on a tmpfs', async () => {
    await inToolkit(target, 'head -c 140000000 /dev/zero > /target/scratch/zero.bin');
    const dest = join(work, 'zero.bin');
    const result = await remora(['cp', '--debug', `${target}:/scratch/zero.bin`, dest]);
    expect(result.exitCode).toBe(0);
    expect(routeLine(result.stderr)).toBe('exec');
    expect(statSync(dest).size).toBe(140_000_000);
    await inToolkit(target, 'rm /target/scratch/zero.bin');
  });

  it('copies the tmpfs file the target sees, not the file of the layer below that the engine sees', async () => {
    await inToolkit(target, 'head -c 140000000 /dev/zero > /target/scratch/hidden.bin');
    const dest = join(work, 'hidden.bin');
    const result = await remora(['cp', '--debug', `${target}:/scratch/hidden.bin`, dest]);
    expect(result).toMatchObject({
      exitCode: 0,
      stderr: 'remora: cp: exec route (on the tmpfs at /scratch, which only the toolkit sees)\n',
    });
    expect(statSync(dest).size).toBe(140_000_000);
    expect(readFileSync(dest).every((byte) => byte === 0)).toBe(true);
    await inToolkit(target, 'rm /target/scratch/hidden.bin');
  });
});
