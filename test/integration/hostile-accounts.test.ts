// A target's /etc/passwd is its own content: a FIFO that never answers, a 64 MiB file, a
// link to /dev/zero. ps and proc must still return, with users beyond what was read shown
// by number, and the toolkit carries memory and pids limits in case anything reads on.
import { mkdtemp, mkdir, rm, open, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remora, startTarget, testEngine, type RunningTarget } from '../support/fixtures.js';

let engine: DockerEngine;
let workdir: string;
const targets: RunningTarget[] = [];

beforeAll(async () => {
  engine = testEngine();
  workdir = await mkdtemp(join(tmpdir(), 'remora-hostile-'));
});

afterAll(async () => {
  await Promise.all(targets.map((t) => t[Symbol.asyncDispose]()));
  await rm(workdir, { recursive: true, force: true });
  engine?.dispose();
});

type Planted = 'fifo' | 'huge' | 'dev-zero';

/** A distroless target (its processes run as 65532) whose /etc/passwd is replaced by `kind`. */
async function targetWithPasswd(kind: Planted): Promise<RunningTarget> {
  const target = await startTarget(engine, 'distroless');
  targets.push(target);
  const root = await mkdtemp(join(workdir, `${kind}-`));
  await mkdir(join(root, 'etc'), { recursive: true });
  const passwd = join(root, 'etc', 'passwd');
  if (kind === 'fifo') await execa('mkfifo', [passwd]);
  if (kind === 'dev-zero') await symlink('/dev/zero', passwd);
  if (kind === 'huge') {
    // root first; nonroot only past 64 MiB of filler, so beyond any cap.
    const file = await open(passwd, 'w');
    await file.write('root:x:0:0:root:/root:/sbin/nologin\n');
    const filler = Buffer.from(Array.from({ length: 1024 }, (_, i) => `filler${i}:x:${100000 + i}:100:filler:/:/sbin/nologin\n`).join(''));
    for (let written = 0; written < 64 * 1024 * 1024; written += filler.length) await file.write(filler);
    await file.write('nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n');
    await file.close();
  }
  await execa('sh', ['-c', 'tar -C "$1" -cf - etc | docker cp - "$2":/', 'plant', root, target.id]);
  return target;
}

describe('a hostile /etc/passwd in the target', () => {
  for (const kind of ['fifo', 'huge', 'dev-zero'] as const) {
    it(`as ${kind}: ps and proc return, users by number`, async () => {
      const target = await targetWithPasswd(kind);
      // A hang would run into the timeout and fail the test.
      const ps = await remora(['ps', target.name, '--json'], { timeout: 60_000 });
      expect(ps).toMatchObject({ exitCode: 0, stderr: '' });
      const rows = JSON.parse(ps.stdout) as Array<{ pid: number; user: string; uid: number }>;
      expect(rows.find((r) => r.pid === 1)).toMatchObject({ uid: 65532, user: '65532' });

      const proc = await remora(['proc', target.name, '1', '--json'], { timeout: 60_000 });
      expect(proc).toMatchObject({ exitCode: 0, stderr: '' });
      const details = JSON.parse(proc.stdout) as { pid: number; user?: string; uid: { real: number } };
      expect(details).toMatchObject({ pid: 1, uid: { real: 65532 } });
      expect(details.user).toBeUndefined();
    });
  }

  it('runs the toolkit with memory and pids limits, shown by sessions and raised on request', async () => {
    const target = await targetWithPasswd('dev-zero');
    const ps = await remora(['ps', target.name, '--json']);
    expect(ps.exitCode).toBe(0);
    const sessions = JSON.parse((await remora(['sessions', '--json'])).stdout) as Array<{
      targetId: string;
      limits: string;
      container: string;
    }>;
    const session = sessions.find((s) => s.targetId === target.id);
    expect(session?.limits).toBe('512MiB/1024 pids');
    const limits = await execa('docker', [
      'inspect',
      '-f',
      '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.PidsLimit}}',
      session!.container,
    ]);
    expect(limits.stdout).toBe(`${512 * 1024 * 1024} ${512 * 1024 * 1024} 1024`);

    const raised = await remora([
      'exec',
      '--rm',
      '--toolkit-memory',
      '1g',
      '--toolkit-pids',
      '4096',
      target.name,
      '--',
      'cat',
      '/sys/fs/cgroup/pids/pids.max',
    ]);
    expect(raised).toMatchObject({ exitCode: 0, stdout: '4096\n' });
    const bad = await remora(['ps', '--toolkit-memory', 'lots', target.name]);
    expect(bad).toMatchObject({
      exitCode: 2,
      stderr: 'remora: "lots" is not a memory size\nhint: write it as docker --memory does: 512m, 1g, 2048m\n',
    });
  });
});
