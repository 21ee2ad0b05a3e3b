// Exited containers and images as targets, through stand-ins: what a user sees of the
// files, what is refused, and that the original is never changed and nothing is left.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remora, remoraProcess, runLabel, testEngine, runLabels, TEST_LABEL } from '../support/fixtures.js';
import { TEST_IMAGES } from '../support/images.js';
import { spawnRemora } from '../support/pty.js';
import { crasherImage } from '../support/post-mortem-images.js';
import { waitFor } from '../support/wait-for.js';

let engine: DockerEngine;
let image: string;
let target: { id: string; name: string };
const volume = `remora-t-vol-${randomBytes(3).toString('hex')}`;
let before: { state: string; diff: string };

/** What a user would compare: the engine's state of the original and its `docker diff`. */
async function originalState(): Promise<{ state: string; diff: string }> {
  const inspect = await execa('docker', ['inspect', '--format', '{{json .State}} {{.RestartCount}}', target.id]);
  const diff = await execa('docker', ['diff', target.id]);
  // docker diff lists in no stable order.
  return { state: inspect.stdout, diff: diff.stdout.split('\n').sort().join('\n') };
}

async function standInsOf(id: string, options: { onlyFromStart?: boolean } = {}) {
  return engine.listContainers({
    all: true,
    labels: [`${LABEL.standInFor}=${id}`, ...(options.onlyFromStart ? [`${LABEL.ephemeral}=true`] : [])],
  });
}

/** --from-start stand-ins go with their command (the engine may still be removing one). */
async function fromStartStandInsGone(id: string): Promise<void> {
  await waitFor(async () => (await standInsOf(id, { onlyFromStart: true })).length === 0, {
    what: 'the --from-start stand-in to go',
    timeoutMs: 10_000,
  });
}

beforeAll(async () => {
  engine = testEngine();
  image = await crasherImage();
  await execa('docker', ['volume', 'create', '--label', runLabels(), volume]);
  const name = `remora-t-crashed-${randomBytes(3).toString('hex')}`;
  const id = await engine.createContainer({
    name,
    image,
    labels: { [TEST_LABEL]: runLabel() },
    hostConfig: { tmpfs: { '/run/scratch': 'size=1m' }, mounts: [{ type: 'volume', source: volume, target: '/data', readOnly: false }] },
  });
  await engine.startContainer(id);
  expect(await (await engine.waitContainer(id, 'not-running')).exitCode).toBe(3);
  target = { id, name };
  before = await originalState();
});

afterAll(async () => {
  if (target) {
    const leftovers = [
      ...(await standInsOf(target.id)),
      ...(await engine.listContainers({ all: true, labels: [`${LABEL.target}=${target.id}`] })),
    ];
    await Promise.all([...leftovers.map((c) => engine.removeContainer(c.id)), engine.removeContainer(target.id)]);
  }
  await execa('docker', ['volume', 'rm', '-f', volume], { reject: false });
  engine?.dispose();
});

describe('an exited container as a target', () => {
  it('shows its files as it left them, says what they are, and its volume read-only', async () => {
    const result = await remora([
      'exec',
      target.name,
      '--',
      'sh',
      '-c',
      'cat /target/crash.log /target/data/seen.txt; touch /target/data/new 2>/dev/null || echo read-only',
    ]);
    expect(result.stdout).toBe('started\nran\nread-only\n');
    expect(result.stderr).toMatch(
      new RegExp(`^remora: ${target.name}: exited \\d+s ago \\(code 3\\) — files as it left them; tmpfs contents are gone$`, 'm'),
    );
    expect(result.exitCode).toBe(0);
  });

  it('reuses the stand-in and its session for the next command', async () => {
    await remora(['exec', target.name, '--', 'true']);
    const standIns = await standInsOf(target.id);
    await remora(['exec', target.name, '--', 'true']);
    expect((await standInsOf(target.id)).map((c) => c.id)).toEqual(standIns.map((c) => c.id));
    expect(standIns).toHaveLength(1);
  });

  it('copies files out', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'remora-pm-'));
    try {
      const result = await remora(['cp', '-q', `${target.name}:/crash.log`, `${dir}/`]);
      expect(result.exitCode).toBe(0);
      expect(await readFile(join(dir, 'crash.log'), 'utf8')).toBe('started\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a copy in, saying why and what to use', async () => {
    const result = await remora(['cp', '/etc/hostname', `${target.name}:/`]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(
      new RegExp(
        `^remora: ${target.name} exited \\d+[smhd] ago \\(code 3\\): remora copies only into running containers \\(a copy would land in a throwaway stand-in\\)\\nhint: docker cp writes into a stopped container's own files`,
      ),
    );
  });

  it('says no process is running for ps, proc, net and strace, and points to --from-start', async () => {
    for (const args of [
      ['ps', target.name],
      ['proc', target.name, '1'],
      ['net', target.name],
      ['strace', target.name, '--duration', '1s'],
    ]) {
      const result = await remora(args);
      expect(result.exitCode, args.join(' ')).toBe(3);
      expect(result.stderr).toMatch(
        new RegExp(
          `^remora: ${target.name} exited \\d+[smhd] ago \\(code 3\\): no process is running\\nhint: trace it from its first instruction with \`remora strace --from-start ${target.name}\``,
        ),
      );
    }
  });

  it('opens a --chroot shell on its files', async () => {
    await using shell = spawnRemora(['shell', '--chroot', target.name]);
    await shell.waitForScreen(`[remora ${target.name} (chroot)]`);
    shell.type('cat /crash.log\r');
    await shell.waitForScreen(/^started$/m);
    shell.type('exit\r');
    expect((await shell.exited).exitCode).toBe(0);
  });

  it('attaches: the header says what the files are, Processes that no process runs, Logs show its log', async () => {
    await using tui = spawnRemora(['attach', target.name], { cols: 140, rows: 30 });
    await tui.waitForScreen(/exited \d+[smhd] ago \(code 3\) — files as it left them; tmpfs contents are gone/);
    await tui.waitForScreen(`${target.name} exited`);
    await tui.waitForScreen('no process is running');
    tui.type('5');
    await tui.waitForScreen('crasher: no /etc/app.yaml');
    tui.type('2');
    // Marked as remora diff marks it: added since the image.
    await tui.waitForScreen(/ A crash\.log/);
    // The stand-in's holder is Remora's, not listed among the target's files.
    expect(tui.screen()).toContain('crasher');
    expect(tui.screen()).not.toContain('.remora-hold');
    // Trace's s runs the program afresh, traced from its start, as strace --from-start does.
    tui.type('3');
    tui.type('s');
    await tui.waitForScreen(/exit_group\(3\)/);
    await tui.waitForScreen('the program exited with status 3');
    tui.type('q');
    expect((await tui.exited).exitCode).toBe(0);
    await fromStartStandInsGone(target.id);
  });

  it('strace --from-start runs its program afresh, traced from its execve to its exit, and exits with its status', async () => {
    const result = await remora(['strace', '--from-start', target.name]);
    expect(result.exitCode).toBe(3);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^execve\("\/crasher", \["\/crasher"\], 0x[0-9a-f]+ \/\* \d+ vars \*\/\) = 0$/);
    expect(lines).toContain('openat(AT_FDCWD, "/etc/app.yaml", O_RDONLY) = -1 ENOENT (No such file or directory)');
    expect(lines).toContain('exit_group(3)                           = ?');
    expect(lines).toContain('+++ exited with 3 +++');
    await fromStartStandInsGone(target.id);
  });

  it('strace --from-start runs a given command instead, with the same flags as strace', async () => {
    const result = await remora(['strace', '--from-start', target.name, '-e', 'trace=execve', '--', '/no/such/program', 'arg']);
    expect(result.exitCode).toBe(127);
    expect(result.stdout.split('\n')[0]).toMatch(/^execve\("\/no\/such\/program", \["\/no\/such\/program", "arg"\], .*\) = -1 ENOENT/);
    await fromStartStandInsGone(target.id);
  });

  it('diff lists what it changed, its volume and tmpfs apart, and diffs a file it added', async () => {
    const listing = await remora(['diff', target.name]);
    // /run was made by the engine for the tmpfs mount point, as docker diff shows too.
    expect(listing.stdout).toBe(
      `A /crash.log\nA /run\nmounts, not from the image:\n  /data         volume ${volume}\n  /run/scratch  tmpfs\n`,
    );
    const file = await remora(['diff', target.name, '/crash.log']);
    expect(file.stdout).toBe(`--- /dev/null\n+++ ${target.name}:/crash.log\n@@ -0,0 +1 @@\n+started\n`);
  });

  it('never starts or changes the original', async () => {
    expect(await originalState()).toEqual(before);
  });

  it('leaves nothing after --rm', async () => {
    await remora(['detach', target.name]);
    const result = await remora(['exec', '--rm', target.name, '--', 'cat', '/target/crash.log']);
    expect(result.stdout).toBe('started\n');
    expect(await standInsOf(target.id)).toEqual([]);
  });

  it('leaves nothing after detach', async () => {
    await remora(['exec', target.name, '--', 'true']);
    expect(await standInsOf(target.id)).toHaveLength(1);
    await remora(['detach', target.name]);
    await waitFor(async () => (await standInsOf(target.id)).length === 0, { what: 'the stand-in to go' });
  });

  it('leaves nothing, image included, after remora is killed', async () => {
    const child = remoraProcess(['exec', '--rm', target.name, '--', 'sleep', '600'], { reject: false, stdin: 'ignore' });
    await waitFor(
      async () =>
        (await engine.listContainers({ labels: [`${LABEL.ephemeral}=true`, runLabels()] })).some((c) =>
          c.name.startsWith(`remora-${target.name}-`),
        ),
      {
        what: 'the --rm toolkit',
      },
    );
    child.kill('SIGKILL');
    await child;
    await waitFor(async () => (await standInsOf(target.id)).length === 0, { what: 'the stand-in to end by itself', timeoutMs: 60_000 });
    const images = await execa('docker', ['images', '-q', '--filter', `label=${LABEL.standInFor}=${target.id}`]);
    expect(images.stdout).toBe('');
    expect(await originalState()).toEqual(before);
  });
});

describe('an exited container whose image was removed', () => {
  it('still shows its files, runs from its start, and says there is no image to diff against', async () => {
    const tag = `remora-test/gone-${randomBytes(3).toString('hex')}:1`;
    await execa('docker', ['tag', image, tag]);
    // A copy of the image with an ID of its own, so removing it removes nothing else.
    const copy = await execa('docker', [
      'commit',
      '--change',
      `LABEL ${TEST_LABEL}=${runLabel()}`,
      await engine.createContainer({
        name: `remora-t-src-${randomBytes(3).toString('hex')}`,
        image: tag,
        labels: { [TEST_LABEL]: runLabel() },
        hostConfig: {},
      }),
      tag,
    ]);
    const name = `remora-t-orphan-${randomBytes(3).toString('hex')}`;
    const id = await engine.createContainer({ name, image: tag, labels: { [TEST_LABEL]: runLabel() }, hostConfig: {} });
    try {
      await engine.startContainer(id);
      expect(await (await engine.waitContainer(id, 'not-running')).exitCode).toBe(3);
      await execa('docker', ['rmi', '-f', copy.stdout.trim()]);
      expect(await engine.inspectImage(tag)).toBeNull();

      const files = await remora(['exec', '--rm', name, '--', 'cat', '/target/crash.log']);
      expect(files).toMatchObject({ exitCode: 0, stdout: 'started\n' });
      const trace = await remora(['strace', '--from-start', name, '-e', 'trace=exit_group']);
      expect(trace.exitCode).toBe(3);
      expect(trace.stdout).toContain('exit_group(3)');
      const diff = await remora(['diff', name, '/crash.log']);
      expect(diff).toMatchObject({
        exitCode: 1,
        stderr: `remora: the image of ${name} (${tag}) is no longer on the engine: there is nothing to compare against\n`,
      });
    } finally {
      await engine.removeContainer(id);
    }
  });
});

describe('an image as a target', () => {
  it("shows the image's files, by name or with image:", async () => {
    for (const query of [TEST_IMAGES.distroless, `image:${TEST_IMAGES.distroless}`]) {
      const result = await remora([
        'exec',
        '--rm',
        query,
        '--',
        'sh',
        '-c',
        'ls /target/app && cat /proc/1/environ | tr "\\0" "\\n" | grep -c ^PATH=',
      ]);
      expect(result.stdout, query).toBe('/target/app\n1\n');
      expect(result.stderr).toMatch(
        new RegExp(`^remora: ${TEST_IMAGES.distroless.replace(/[/.:]/g, '\\$&')}: an image, never run — its files as built$`, 'm'),
      );
    }
  });

  it('says when there is no such container or image', async () => {
    const result = await remora(['exec', 'image:remora-test/no-such-image', '--', 'true']);
    expect(result).toMatchObject({
      exitCode: 3,
      stderr: 'remora: no image named "remora-test/no-such-image"\nhint: docker images lists the local images (Remora never pulls one)\n',
    });
  });
});
