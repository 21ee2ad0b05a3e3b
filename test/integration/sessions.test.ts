// Toolkit sessions never outlive their use: idle exit, --rm (even under SIGKILL), death
// with the target, detach, and the sweep of stale ones. And they never take the target down.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remoraProcess, remora, runLabel, runLabels, startTarget, testEngine, toolkitsOf, TEST_LABEL } from '../support/fixtures.js';
import { TEST_IMAGES } from '../support/images.js';
import { ensureBusyboxToolkit } from '../support/toolkit-probes.js';
import { runLabelsFor } from '../support/run-labels.js';
import { waitFor } from '../support/wait-for.js';

let engine: DockerEngine;

beforeAll(() => {
  engine = testEngine();
});
afterAll(() => engine?.dispose());

const running = async (id: string): Promise<boolean> => (await engine.inspectContainer(id)).state.running;

describe('toolkit session lifetime', () => {
  it('ends by itself after the idle period with no command running', async () => {
    await using target = await startTarget(engine, 'scratch');
    expect((await remora(['exec', '--idle', '3s', target.name, '--', 'true'])).exitCode).toBe(0);
    expect(await toolkitsOf(engine, target.id)).toHaveLength(1);
    // The keeper polls every 5 s: gone within idle + one poll, plus engine removal.
    await waitFor(async () => (await toolkitsOf(engine, target.id)).length === 0, { timeoutMs: 30_000, what: 'the idle toolkit to end' });
    expect(await running(target.id)).toBe(true);
  });

  it('is not ended by the idle timer while a command runs in it', async () => {
    await using target = await startTarget(engine, 'scratch');
    // Runs 12 s in a session whose idle limit is 3 s: the session must survive it.
    const result = await remora(['exec', '--idle', '3s', target.name, '--', 'sh', '-c', 'sleep 12; echo survived']);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'survived\n' });
  });

  it('with --rm, leaves nothing behind when the command ends', async () => {
    await using target = await startTarget(engine, 'scratch');
    const result = await remora(['exec', '--rm', target.name, '--', 'true']);
    expect(result.exitCode).toBe(0);
    await waitFor(async () => (await toolkitsOf(engine, target.id)).length === 0, { what: 'the --rm toolkit to be removed' });
  });

  it('with --rm, leaves nothing behind even when remora is killed with SIGKILL', async () => {
    await using target = await startTarget(engine, 'scratch');
    const child = remoraProcess(['exec', '--rm', target.name, '--', 'sleep', '300'], { reject: false });
    await waitFor(async () => (await toolkitsOf(engine, target.id)).some((t) => t.state === 'running'), {
      what: 'the --rm toolkit to start',
    });
    child.kill('SIGKILL');
    await child;
    await waitFor(async () => (await toolkitsOf(engine, target.id)).length === 0, {
      timeoutMs: 30_000,
      what: 'the orphaned --rm toolkit to end',
    });
    expect(await running(target.id)).toBe(true);
    // The killed command was reaped, not left to the target's PID 1 (which never reaps).
    expect(await processStatesSeenByEngine(target.id)).toEqual(['Ss /app']);
  });

  it('with --rm and nothing to send, runs the command as the toolkit itself: no keeper, no exec, gone when remora returns', async () => {
    await using target = await startTarget(engine, 'scratch');
    const result = await remora([
      'exec',
      '--rm',
      target.name,
      '--',
      'sh',
      '-c',
      'readlink /proc/1/exe; echo to-stderr >&2; ls /target/app; exit 7',
    ]);
    expect(result).toMatchObject({ exitCode: 7, stdout: '/app\n/target/app\n', stderr: 'to-stderr\n' });
    // As with `docker run --rm`, the toolkit is removed before remora returns.
    expect(await toolkitsOf(engine, target.id)).toEqual([]);
    expect(await remora(['exec', '--rm', target.name, '--', 'no-such-tool'])).toMatchObject({
      exitCode: 127,
      stderr: 'remora: no-such-tool: command not found in the toolkit\n',
    });
  });

  it("a running one-shot is the toolkit's, not the target's: ps lists only the target", async () => {
    await using target = await startTarget(engine, 'scratch');
    const child = remoraProcess(['exec', '--rm', target.name, '--', 'sleep', '300'], { reject: false, stdin: 'ignore' });
    try {
      const toolkit = await waitFor(
        async () => (await toolkitsOf(engine, target.id)).find((t) => t.state === 'running' && t.labels[LABEL.ephemeral] === 'true'),
        { what: 'the one-shot toolkit to start' },
      );
      await waitFor(async () => (await execa('docker', ['top', toolkit.id], { reject: false })).stdout.includes('sleep 300'), {
        what: 'sleep 300 to run',
      });
      const ps = await remora(['ps', target.name, '--json']);
      expect((JSON.parse(ps.stdout) as Array<{ pid: number; command: string }>).map((p) => p.command)).toEqual(['/app']);
    } finally {
      child.kill('SIGKILL');
      await child;
    }
  });

  it('with --rm, what the command leaves running goes with it, reaped: no zombie in a target that never reaps', async () => {
    await using target = await startTarget(engine, 'scratch');
    const result = await remora(['exec', '--rm', target.name, '--', 'sh', '-c', 'sleep 300 & sleep 300 & echo started']);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'started\n' });
    expect(await processStatesSeenByEngine(target.id)).toEqual(['Ss /app']);
  });

  it('dies with its target', async () => {
    const target = await startTarget(engine, 'scratch');
    try {
      expect((await remora(['exec', target.name, '--', 'true'])).exitCode).toBe(0);
      await execa('docker', ['kill', target.id]);
      await waitFor(async () => (await toolkitsOf(engine, target.id)).length === 0, { what: 'the toolkit to die with its target' });
    } finally {
      await target[Symbol.asyncDispose]();
    }
  });

  it('--toolkit-image gets a session of that image beside the default one; a missing image is an error', async () => {
    await using target = await startTarget(engine, 'scratch');
    expect((await remora(['exec', target.name, '--', 'true'])).exitCode).toBe(0);
    const image = await ensureBusyboxToolkit(engine, target);
    const other = await remora(['exec', '--toolkit-image', image, target.name, '--', 'sh', '-c', 'command -v strace || echo no strace']);
    expect(other).toMatchObject({ exitCode: 0, stdout: 'no strace\n' });
    const images = (await toolkitsOf(engine, target.id)).map((t) => t.labels[LABEL.toolkitImage]);
    expect(images.sort()).toEqual([image, TEST_IMAGES.toolkit].sort());
    const table = await remora(['sessions']);
    expect(table.stdout.split('\n')[0]).toMatch(/^TARGET +PROFILE +IMAGE +AGE +IDLE +LIMITS +CREATED BY +TOOLKIT$/);
    const rows = table.stdout.split('\n').filter((l) => l.startsWith(`${target.name} `));
    expect(rows.map((l) => l.split(/ +/)[2]).sort()).toEqual([image, TEST_IMAGES.toolkit].sort());

    const missing = await remora(['exec', '--toolkit-image', 'remora-test/no-such-image:1', target.name, '--', 'true']);
    expect(missing.exitCode).toBe(4);
    expect(missing.stderr).toContain('remora: toolkit image remora-test/no-such-image:1 is not on the engine and cannot be pulled\nhint: ');
  });

  it('detach removes the sessions now and the target keeps running', async () => {
    await using target = await startTarget(engine, 'scratch');
    expect((await remora(['exec', target.name, '--', 'true'])).exitCode).toBe(0);
    expect((await remora(['exec', '--profile', 'netadmin', target.name, '--', 'true'])).exitCode).toBe(0);
    expect(await toolkitsOf(engine, target.id)).toHaveLength(2);
    const result = await remora(['detach', target.name]);
    expect(result).toMatchObject({ exitCode: 0, stderr: 'remora: ended 2 sessions\n' });
    expect(await toolkitsOf(engine, target.id)).toHaveLength(0);
    expect(await running(target.id)).toBe(true);
  });

  it('detach --all under REMORA_LABELS ends only the sessions that carry them', async () => {
    await using mine = await startTarget(engine, 'scratch');
    await using theirs = await startTarget(engine, 'scratch');
    const job = (name: string) => ({ env: { REMORA_LABELS: `${runLabels()},remora-it.job=${name}-${runLabel()}` } });
    expect((await remora(['exec', mine.name, '--', 'true'], job('mine'))).exitCode).toBe(0);
    expect((await remora(['exec', theirs.name, '--', 'true'], job('theirs'))).exitCode).toBe(0);
    const result = await remora(['detach', '--all'], job('mine'));
    expect(result).toMatchObject({ exitCode: 0, stderr: 'remora: ended 1 session\n' });
    expect(await toolkitsOf(engine, mine.id)).toHaveLength(0);
    expect(await toolkitsOf(engine, theirs.id)).toHaveLength(1);
  });

  it('serves concurrent first commands from one new session, each seeing /target', async () => {
    await using target = await startTarget(engine, 'scratch');
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map(() => remora(['exec', target.name, '--', 'ls', '/target/app'])));
    for (const result of results) expect(result).toEqual({ exitCode: 0, stdout: '/target/app\n', stderr: '' });
    expect(await toolkitsOf(engine, target.id)).toHaveLength(1);
  });

  it('leaves no zombie in a target whose PID 1 never reaps, however the session ends', async () => {
    await using target = await startTarget(engine, 'scratch');
    for (let round = 0; round < 3; round++) {
      expect((await remora(['exec', target.name, '--', 'true'])).exitCode).toBe(0);
      expect((await remora(['detach', target.name])).exitCode).toBe(0);
    }
    expect((await remora(['exec', '--rm', target.name, '--', 'true'])).exitCode).toBe(0);
    await waitFor(async () => (await toolkitsOf(engine, target.id)).length === 0, { what: 'the sessions to end' });
    expect(await processStatesSeenByEngine(target.id)).toEqual(['Ss /app']);
  });

  it('sweeps a stale toolkit whose target is gone, on the next command that starts one', async () => {
    await using target = await startTarget(engine, 'scratch');
    // What a toolkit left by a crashed engine looks like: labelled, its target long gone.
    // Under a test label of its own, which the sweeps of other test files' commands leave alone.
    const own = `${runLabel()}-stale`;
    const env = { REMORA_LABELS: runLabelsFor(own) };
    const staleId = await engine.createContainer({
      name: `remora-gone-${runLabel()}`,
      image: TEST_IMAGES.toolkit,
      entrypoint: [],
      cmd: ['sleep', '600'],
      labels: { [LABEL.role]: 'toolkit', [LABEL.target]: 'f'.repeat(64), [TEST_LABEL]: own },
      hostConfig: {},
    });
    await engine.startContainer(staleId);
    // Listing is only listing: sessions leaves it out, and it is still there after.
    const listed = await remora(['sessions'], { env });
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout).not.toContain(`remora-gone-${runLabel()}`);
    expect((await engine.inspectContainer(staleId)).id).toBe(staleId);
    expect((await remora(['exec', '--rm', target.name, '--', 'true'], { env })).exitCode).toBe(0);
    // Removed by the sweep: the engine no longer knows it (not any other failure).
    await expect(engine.inspectContainer(staleId)).rejects.toMatchObject({ code: 'TARGET_NOT_FOUND' });
  });

  it('with REMORA_LABELS, labels what it creates and sweeps only stale toolkits that carry them', async () => {
    await using target = await startTarget(engine, 'scratch');
    // Under a test label of its own, which the sweeps of other test files' commands leave alone.
    const own = `${runLabel()}-scoped`;
    const staleId = await engine.createContainer({
      name: `remora-gone-other-${runLabel()}`,
      image: TEST_IMAGES.toolkit,
      entrypoint: [],
      cmd: ['sleep', '600'],
      labels: { [LABEL.role]: 'toolkit', [LABEL.target]: 'f'.repeat(64), [TEST_LABEL]: own },
      hostConfig: {},
    });
    try {
      await engine.startContainer(staleId);
      // Another job's labels: its own toolkit carries them, and this stale one (without them) stays.
      const scope = `job-${runLabel()}`;
      const scoped = await remora(['exec', '--rm', target.name, '--', 'true'], {
        env: { REMORA_LABELS: `${runLabelsFor(own)},remora-it.job=${scope}` },
      });
      expect(scoped.exitCode).toBe(0);
      expect((await engine.inspectContainer(staleId)).id).toBe(staleId);
      const kept = await remora(['exec', target.name, '--', 'true'], { env: { REMORA_LABELS: `${runLabels()},remora-it.job=${scope}` } });
      expect(kept.exitCode).toBe(0);
      const toolkits = await toolkitsOf(engine, target.id);
      expect(toolkits.length).toBeGreaterThan(0);
      expect(toolkits.every((t) => t.labels['remora-it.job'] === scope && t.labels[TEST_LABEL] === runLabel())).toBe(true);
      // Its own scope alone covers it: swept.
      expect((await remora(['exec', '--rm', target.name, '--', 'true'], { env: { REMORA_LABELS: runLabelsFor(own) } })).exitCode).toBe(0);
      await expect(engine.inspectContainer(staleId)).rejects.toMatchObject({ code: 'TARGET_NOT_FOUND' });
    } finally {
      await engine.removeContainer(staleId).catch(() => undefined);
    }
  });

  it('refuses a REMORA_LABELS that is not KEY=VALUE, exit 2', async () => {
    expect(await remora(['targets'], { env: { REMORA_LABELS: 'oops' } })).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'remora: REMORA_LABELS: "oops" is not KEY=VALUE\nhint: write it like REMORA_LABELS=ci.run=1234,team=payments\n',
    });
  });

  it('lists sessions with target, profile and who made them', async () => {
    await using target = await startTarget(engine, 'scratch');
    expect((await remora(['exec', target.name, '--', 'true'])).exitCode).toBe(0);
    const result = await remora(['sessions', '--json']);
    expect(result.exitCode).toBe(0);
    const sessions = JSON.parse(result.stdout) as Array<{ target: string; profile: string; createdBy: string; capabilities: string }>;
    const mine = sessions.find((s) => s.target === target.name);
    expect(mine).toMatchObject({ profile: 'general', targetId: target.id, toolkitImage: TEST_IMAGES.toolkit, ephemeral: false });
    expect(mine?.createdBy).toMatch(/@/);
    expect(mine?.capabilities).toContain('SYS_PTRACE');
  });
});

describe('targets', () => {
  it('lists shell-less targets with hasShell false and their session count', async () => {
    await using target = await startTarget(engine, 'distroless');
    expect((await remora(['exec', target.name, '--', 'true'])).exitCode).toBe(0);
    const result = await remora(['targets', '--json']);
    expect(result.exitCode).toBe(0);
    const rows = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    const row = rows.find((r) => r.name === target.name);
    expect(row).toEqual({
      id: target.id,
      name: target.name,
      image: TEST_IMAGES.distroless,
      state: 'running',
      user: '65532:65532',
      hasShell: false,
      sessions: 1,
    });
    expect(rows.some((r) => String(r.name).startsWith('remora-' + target.name))).toBe(false);
  });
});

describe('profiles and target kinds', () => {
  it("reads a nonroot distroless target's files through /target with the general profile", async () => {
    await using target = await startTarget(engine, 'distroless');
    const result = await remora(['exec', target.name, '--', 'grep', '^nonroot:', '/target/etc/passwd']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^nonroot:x:65532:65532:/);
  });

  it('with the restricted profile has no capabilities and cannot reach the target root', async () => {
    await using target = await startTarget(engine, 'distroless');
    const caps = await remora(['exec', '--profile', 'restricted', target.name, '--', 'grep', 'CapEff', '/proc/self/status']);
    expect(caps.exitCode).toBe(0);
    expect(caps.stdout.trim()).toBe('CapEff:\t0000000000000000');
    const root = await remora(['exec', '--profile', 'restricted', target.name, '--', 'ls', '/target/']);
    expect(root.exitCode).not.toBe(0);
    expect(root.stderr).toMatch(/Permission denied/);
  });

  it('works on a read-only root with a tmpfs, and on a paused target', async () => {
    await using target = await startTarget(engine, 'scratch', { readOnly: true, tmpfs: { '/data': 'rw,size=8m' } });
    await waitFor(async () => (await remora(['exec', target.name, '--', 'test', '-s', '/target/data/app.log'])).exitCode === 0, {
      what: 'the app to write its log on the tmpfs',
    });
    await execa('docker', ['pause', target.id]);
    try {
      const result = await remora(['exec', target.name, '--', 'ls', '/target/data']);
      expect(result).toMatchObject({ exitCode: 0, stdout: 'app.log\n' });
    } finally {
      await execa('docker', ['unpause', target.id]);
    }
  });
});

/** STAT and command line of each process in the container, as the engine sees it (docker top). */
async function processStatesSeenByEngine(containerId: string): Promise<string[]> {
  const { stdout } = await execa('docker', ['top', containerId, '-o', 'pid,stat,args']);
  return stdout
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/).slice(1).join(' '));
}
