// A target's process already traced from the host (strace -p on the engine's host): the
// toolkit sees TracerPid 0 for a tracer outside its namespace, so remora looks on the
// host and names the tracer, instead of blaming seccomp and pointing at --profile sysadmin.
import { readFileSync } from 'node:fs';
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

function tracerOf(hostPid: number): number {
  return Number(/^TracerPid:\s*(\d+)$/m.exec(readFileSync(`/proc/${hostPid}/status`, 'utf8'))?.[1] ?? 0);
}

describe('strace on a process traced from the host', () => {
  it('names the host tracer, with its command, and exits 1', async () => {
    const hostPid = (await engine.inspectContainer(target.id)).state.pid;
    const tracer = execa('strace', ['-p', String(hostPid), '-o', '/dev/null'], { reject: false, stdin: 'ignore' });
    try {
      await waitFor(() => tracerOf(hostPid) === tracer.pid, { what: 'the host strace to attach' });
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
