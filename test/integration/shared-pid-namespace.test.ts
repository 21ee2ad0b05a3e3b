// Targets that do not own their PID namespace: one started with --pid=container:X (PID 1
// there is X's), one with --pid=host (PID 1 is the host's init). Everything that means
// "the target" (/target, cp, strace's default pid, ps) must mean the target, not PID 1.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remora, runLabel, startTarget, testEngine, type RunningTarget, TEST_LABEL } from '../support/fixtures.js';
import { TEST_IMAGES } from '../support/images.js';
import { waitFor } from '../support/wait-for.js';

let engine: DockerEngine;
let other: RunningTarget;
let joined: RunningTarget;
let hostPid: RunningTarget;
let workdir: string;

/** A distroless target (nonroot, 2 children) in the given PID mode. */
async function startIn(pidMode: string): Promise<RunningTarget> {
  const name = `remora-t-pid-${randomBytes(3).toString('hex')}`;
  const id = await engine.createContainer({
    name,
    image: TEST_IMAGES.distroless,
    env: ['CHILDREN=2'],
    labels: { [TEST_LABEL]: runLabel() },
    hostConfig: { pidMode },
  });
  await engine.startContainer(id);
  return {
    id,
    name,
    async [Symbol.asyncDispose]() {
      const toolkits = await engine.listContainers({ all: true, labels: [`${LABEL.target}=${id}`] });
      await Promise.all([engine.removeContainer(id), ...toolkits.map((t) => engine.removeContainer(t.id))]);
    },
  };
}

interface PsRow {
  pid: number;
  ppid: number;
  uid: number;
  toolkit?: boolean;
}

async function psRows(target: RunningTarget, extra: string[] = []): Promise<{ rows: PsRow[]; stderr: string }> {
  const result = await remora(['ps', target.name, '--json', ...extra]);
  expect(result.exitCode).toBe(0);
  return { rows: JSON.parse(result.stdout) as PsRow[], stderr: result.stderr };
}

/** The target's main process as its toolkit sees it: the root of its own tree. */
async function mainPidOf(target: RunningTarget): Promise<number> {
  return waitFor(
    async () => {
      const { rows } = await psRows(target);
      return rows.length === 3 ? rows.find((r) => !rows.some((p) => p.pid === r.ppid))?.pid : undefined;
    },
    { what: 'the target and its 2 children' },
  );
}

beforeAll(async () => {
  engine = testEngine();
  workdir = await mkdtemp(join(tmpdir(), 'remora-pidns-'));
  other = await startTarget(engine, 'scratch', { env: ['CHILDREN=1'] });
  joined = await startIn(`container:${other.id}`);
  hostPid = await startIn('host');
});

afterAll(async () => {
  await joined?.[Symbol.asyncDispose]();
  await hostPid?.[Symbol.asyncDispose]();
  await other?.[Symbol.asyncDispose]();
  await rm(workdir, { recursive: true, force: true });
  engine?.dispose();
});

describe("a target in another container's PID namespace (--pid=container:X)", () => {
  it("ps shows the target's own tree, not X's, and says why", async () => {
    const main = await mainPidOf(joined);
    expect(main).not.toBe(1);
    const { rows, stderr } = await psRows(joined);
    expect(rows.map((r) => [r.ppid === main || r.pid === main, r.uid])).toEqual([
      [true, 65532],
      [true, 65532],
      [true, 65532],
    ]);
    expect(stderr).toBe(
      `remora: ${joined.name} shares container ${other.name}'s PID namespace: showing its own process tree (--all shows every process)\n`,
    );
    const all = await psRows(joined, ['--all']);
    expect(all.rows.find((r) => r.pid === 1)).toMatchObject({ ppid: 0, uid: 0 });
  });

  it("exec sees the target's root at /target", async () => {
    const result = await remora(['exec', joined.name, '--', 'ls', '/target', '/target/home']);
    expect(result.exitCode).toBe(0);
    // Only the distroless target has /home/nonroot; X (scratch) has no /home.
    expect(result.stdout).toContain('nonroot');
  });

  it('cp writes into the target, not into X', async () => {
    const local = join(workdir, 'note.txt');
    await writeFile(local, 'for the joined target\n');
    const copied = await remora(['cp', local, `${joined.name}:/data/`]);
    expect(copied.exitCode).toBe(0);
    // docker cp reads each container's own filesystem: the engine says where it landed.
    expect((await execa('docker', ['cp', `${joined.id}:/data/note.txt`, '-'], { encoding: 'buffer' })).stdout.length).toBeGreaterThan(0);
    expect((await execa('docker', ['cp', `${other.id}:/data/note.txt`, '-'], { reject: false })).exitCode).not.toBe(0);
  });

  it("proc shows the target's main process by default", async () => {
    const main = await mainPidOf(joined);
    const result = await remora(['proc', joined.name, '--json']);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toMatchObject({ pid: main, ppid: 0, user: 'nonroot', cwd: '/home/nonroot' });
  });

  it("strace traces the target's main process by default", async () => {
    const main = await mainPidOf(joined);
    const trace = await remora(['strace', joined.name, '--duration', '1s']);
    expect(trace.exitCode).toBe(0);
    expect(trace.stderr.split('\n')[0]).toBe(`strace: Process ${main} attached`);
  });
});

describe("a target in the host's PID namespace (--pid=host)", () => {
  it("ps shows only the target's own tree, and says it shares the host's namespace", async () => {
    const main = await mainPidOf(hostPid);
    const state = await engine.inspectContainer(hostPid.id);
    expect(main).toBe(state.state.pid);
    const { rows, stderr } = await psRows(hostPid);
    expect(rows.some((r) => r.pid === main)).toBe(true);
    expect(rows.every((r) => r.uid === 65532 && (r.pid === main || r.ppid === main))).toBe(true);
    expect(stderr).toBe(
      `remora: ${hostPid.name} shares the host's PID namespace: showing its own process tree (--all shows every process)\n`,
    );
    expect((await psRows(hostPid, ['--all'])).rows.length).toBeGreaterThan(3);
  });

  it("exec and strace reach the target, not the host's init", async () => {
    const listing = await remora(['exec', hostPid.name, '--', 'ls', '/target/home']);
    expect(listing).toMatchObject({ exitCode: 0, stdout: 'nonroot\n' });
    const main = (await engine.inspectContainer(hostPid.id)).state.pid;
    const trace = await remora(['strace', hostPid.name, '--duration', '1s']);
    expect(trace.exitCode).toBe(0);
    expect(trace.stderr.split('\n')[0]).toBe(`strace: Process ${main} attached`);
  });
});
