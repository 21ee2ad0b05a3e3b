// `remora diff` on a running shell-less target: the changes API's A/C/D, mounts apart, and
// the unified diff of one file against the image's version.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remora, runLabels, startTarget, testEngine, type RunningTarget } from '../support/fixtures.js';
import { TEST_IMAGES } from '../support/images.js';

let engine: DockerEngine;
let target: RunningTarget;

beforeAll(async () => {
  engine = testEngine();
  target = await startTarget(engine, 'scratch', { tmpfs: { '/data': 'rw,size=8m' } });
  const change = await remora([
    'exec',
    target.name,
    '--',
    'sh',
    '-c',
    'echo "intruder:x:1000:1000::/:/bin/false" >> /target/etc/passwd && rm /target/etc/group',
  ]);
  expect(change.exitCode).toBe(0);
});

afterAll(async () => {
  await target?.[Symbol.asyncDispose]();
  engine?.dispose();
});

describe('remora diff', () => {
  it('lists what the container changed, A/C/D, with its mounts apart', async () => {
    const result = await remora(['diff', target.name]);
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining(['C /etc', 'C /etc/passwd', 'D /etc/group', 'mounts, not from the image:', '  /data  tmpfs']),
    );
    // What is below a mount never came from the image, so it is not among the changes.
    expect(lines.filter((l) => /^[ACD] \/data/.test(l))).toEqual([]);
  });

  it("prints a unified diff of a changed file against the image's version", async () => {
    const result = await remora(['diff', target.name, '/etc/passwd']);
    expect(result).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: [
        `--- ${TEST_IMAGES.scratch}:/etc/passwd`,
        `+++ ${target.name}:/etc/passwd`,
        '@@ -1,2 +1,3 @@',
        ' root:x:0:0:root:/root:/sbin/nologin',
        ' nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin',
        '+intruder:x:1000:1000::/:/bin/false',
        '',
      ].join('\n'),
    });
    const deleted = await remora(['diff', target.name, '/etc/group', '--json']);
    expect(JSON.parse(deleted.stdout)).toEqual({
      path: '/etc/group',
      same: false,
      diff: `--- ${TEST_IMAGES.scratch}:/etc/group\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-root:x:0:\n-nonroot:x:65532:\n`,
    });
    expect(await remora(['diff', target.name, '/app'])).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  });

  it('says a file on a mount has no image version', async () => {
    const result = await remora(['diff', target.name, '/data/app.log']);
    expect(result).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `remora: /data/app.log is on a tmpfs mount at /data, not from the image: there is no image version to compare\nhint: read it with remora exec ${target.name} -- cat /target/data/app.log\n`,
    });
  });

  it('says in one line that what the kernel or the engine puts there has no image version', async () => {
    const results = await Promise.all(
      ['/etc/hosts', '/etc/resolv.conf', '/proc/1/status', '/dev/null'].map((p) => remora(['diff', target.name, p])),
    );
    expect(results.map((r) => [r.exitCode, r.stdout, r.stderr.split('\n')[0]])).toEqual([
      [1, '', 'remora: /etc/hosts is written by the engine at each start (a bind mount of its own): there is no image version to compare'],
      [
        1,
        '',
        'remora: /etc/resolv.conf is written by the engine at each start (a bind mount of its own): there is no image version to compare',
      ],
      [
        1,
        '',
        "remora: /proc/1/status is under /proc, the kernel's view of the processes, mounted at each start: there is no image version to compare",
      ],
      [1, '', 'remora: /dev/null is under /dev, device nodes the engine makes at each start: there is no image version to compare'],
    ]);
    expect(results[0]!.stderr).toBe(
      `remora: /etc/hosts is written by the engine at each start (a bind mount of its own): there is no image version to compare\nhint: read it with remora exec ${target.name} -- cat /target/etc/hosts\n`,
    );
  });

  it("gives the TUI's Files view the marks and each file's diff, or why there is none", async () => {
    process.env.REMORA_LABELS = runLabels();
    const { openTargetSession } = await import('../../src/cli/session-context.js');
    const { createSessionDataSource } = await import('../../src/tui/session-data-source.js');
    await using context = await openTargetSession(
      { profile: 'general', idle: '10m', toolkitMemory: '512m', toolkitPids: '1024', quiet: true },
      target.name,
    );
    const data = createSessionDataSource({
      session: context.session,
      engine: context.engine,
      cwd: '/',
      openCaptureSession: async () => context.session,
    });
    const signal = AbortSignal.timeout(30_000);
    const marks = await data.listChanges!(signal);
    expect([marks.get('/etc/passwd'), marks.get('/etc/group')]).toEqual(['C', 'D']);
    const [changed, deleted, same, engineMade, onMount] = await Promise.all(
      ['/etc/passwd', '/etc/group', '/app', '/etc/hosts', '/data/x'].map((path) => data.diffFile!(path, signal)),
    );
    expect(changed).toEqual({ kind: 'text', diff: expect.stringContaining('+intruder:x:1000:1000::/:/bin/false\n') });
    expect(deleted).toEqual({ kind: 'deleted', diff: expect.stringContaining('+++ /dev/null') });
    expect(same).toEqual({ kind: 'same' });
    expect(engineMade).toEqual({
      kind: 'no-image-version',
      reason: '/etc/hosts is written by the engine at each start (a bind mount of its own): there is no image version to compare',
    });
    expect(onMount).toMatchObject({ kind: 'no-image-version', reason: expect.stringMatching(/^\/data\/x is on a tmpfs mount at \/data/) });
  });

  it('gives the changes as JSON', async () => {
    const result = await remora(['diff', target.name, '--json']);
    const parsed = JSON.parse(result.stdout) as { changes: Array<{ path: string; kind: string }>; mounts: unknown[] };
    expect(parsed.changes).toEqual(
      expect.arrayContaining([
        { path: '/etc/group', kind: 'deleted' },
        { path: '/etc/passwd', kind: 'changed' },
      ]),
    );
    expect(parsed.mounts).toEqual([{ destination: '/data', type: 'tmpfs', source: '' }]);
  });
});
