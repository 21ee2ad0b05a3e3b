// A target's process already traced from the host (strace -p on the engine's host): the
// toolkit sees TracerPid 0 for a tracer outside its namespace, so remora looks on the
// host and names the tracer, instead of blaming seccomp and pointing at --profile sysadmin.
// When the host holds only some of what remora traces (a child, a thread), remora says
// which, traces the rest, and exits 1.
import { readdirSync, readFileSync } from 'node:fs';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remora, startTarget, testEngine, type RunningTarget } from '../support/fixtures.js';
import { waitFor } from '../support/wait-for.js';

let engine: DockerEngine;
let target: RunningTarget;

beforeAll(async () => {
  engine = testEngine();
  target = await startTarget(engine, 'scratch');
});

afterAll(async () => {
  await target?.[Symbol.asyncDispose]();
  engine?.dispose();
});

function tracerOf(hostPid: number, hostTid = hostPid): number {
  return Number(/^TracerPid:\s*(\d+)$/m.exec(readFileSync(`/proc/${hostPid}/task/${hostTid}/status`, 'utf8'))?.[1] ?? 0);
}

/** A host task's id in the target's PID namespace (the last of NSpid). */
function nsIdOf(hostPid: number, hostTid = hostPid): number {
  return Number(
    /^NSpid:\s*(.*)$/m
      .exec(readFileSync(`/proc/${hostPid}/task/${hostTid}/status`, 'utf8'))?.[1]
      ?.trim()
      .split(/\s+/)
      .at(-1),
  );
}

/**
 * strace -p on the host, attached (its own status says so) before the test goes on. In an
 * object: an async function returning execa's process itself would wait for it to end.
 */
async function hostStrace(hostPid: number, hostTid = hostPid) {
  const tracer = execa('strace', ['-p', String(hostTid), '-o', '/dev/null'], { reject: false, stdin: 'ignore' });
  await waitFor(() => tracerOf(hostPid, hostTid) === tracer.pid, { what: 'the host strace to attach' });
  return { tracer };
}

describe('strace on a process traced from the host', () => {
  it('names the host tracer, with its command, and exits 1', async () => {
    const hostPid = (await engine.inspectContainer(target.id)).state.pid;
    const { tracer } = await hostStrace(hostPid);
    try {
      const result = await remora(['strace', target.name, '--duration', '5s'], { timeout: 60_000 });
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(
        `remora: pid 1 (app) is already traced by pid ${tracer.pid} on the host (strace -p ${hostPid} -o /dev/null): a process can have only one tracer\nhint: stop that tracer first (on the engine's host: kill ${tracer.pid})\n`,
      );
      expect(result.stderr).not.toContain('seccomp');
      expect(result.stderr).not.toContain('sysadmin');
    } finally {
      tracer.kill();
      await tracer;
    }
  });
});

describe('strace when the host holds only some of what it traces', () => {
  it('names the child the host holds, traces the others, and exits 1', async () => {
    await using parent = await startTarget(engine, 'scratch', { env: ['CHILDREN=2'] });
    const hostPid = (await engine.inspectContainer(parent.id)).state.pid;
    const hostChildren = await waitFor(
      () => {
        const children = readFileSync(`/proc/${hostPid}/task/${hostPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
        return children.length === 2 ? children.map(Number) : undefined;
      },
      { what: 'the two children of the target' },
    );
    const held = hostChildren[0]!;
    const [child, other] = [nsIdOf(held), nsIdOf(hostChildren[1]!)];
    const { tracer } = await hostStrace(held);
    try {
      const result = await remora(['strace', parent.name, '--duration', '3s'], { timeout: 60_000 });
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(
        `remora: pid ${child} (app) is already traced by pid ${tracer.pid} on the host (strace -p ${held} -o /dev/null): not traced, the others are\n`,
      );
      expect(result.stderr).toMatch(/\nremora: the trace left out pid \d+ \(said above\)\n$/);
      expect(result.stderr).toContain(`remora: the trace left out pid ${child} (said above)\n`);
      // strace's own line for it is not shown: remora's says it.
      expect(result.stderr).not.toContain('Operation not permitted');
      // The others were traced: the main process and the other child attached, and the main one's calls came.
      expect(result.stderr).toContain('strace: Process 1 attached\n');
      expect(result.stderr).toContain(`strace: Process ${other} attached\n`);
      expect(result.stdout).toMatch(/^\[pid +1\] write\(1, "tick \d+\\n"/m);
      // Still held by the host strace, which remora's trace did not disturb.
      expect(tracerOf(held)).toBe(tracer.pid);
    } finally {
      tracer.kill();
      await tracer;
    }
  });

  it('names a thread the host holds, and exits 1', async () => {
    await using spinning = await startTarget(engine, 'scratch', { env: ['SPIN=1'] });
    const hostPid = (await engine.inspectContainer(spinning.id)).state.pid;
    const hostThread = await waitFor(
      () =>
        readdirSync(`/proc/${hostPid}/task`)
          .map(Number)
          .find((tid) => tid !== hostPid),
      { what: "the target's second thread" },
    );
    const { tracer } = await hostStrace(hostPid, hostThread);
    try {
      const result = await remora(['strace', spinning.name, '--duration', '3s'], { timeout: 60_000 });
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(
        `remora: thread ${nsIdOf(hostPid, hostThread)} of pid 1 (app) is already traced by pid ${tracer.pid} on the host (strace -p ${hostThread} -o /dev/null): not traced, the others are\n`,
      );
      expect(result.stdout).toMatch(/write\(1, "tick \d+\\n"/);
    } finally {
      tracer.kill();
      await tracer;
    }
  });
});
