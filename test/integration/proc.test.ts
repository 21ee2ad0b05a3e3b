// `remora proc` on a real distroless target: executable, user, capabilities, fds with
// what they point at, limits, namespaces, and secrets masked unless asked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import type { ProcessDetails } from '../../src/core/process-details.js';
import { remora, startTarget, testEngine, type RunningTarget } from '../support/fixtures.js';

let engine: DockerEngine;
let app: RunningTarget;

beforeAll(async () => {
  engine = testEngine();
  app = await startTarget(engine, 'distroless', {
    env: ['API_TOKEN=s3cr3t-token', 'DATABASE_URL=postgres://app:pw123@db/app', 'GREETING=hello'],
  });
});

afterAll(async () => {
  await app?.[Symbol.asyncDispose]();
  engine?.dispose();
});

describe('remora proc', () => {
  it('shows the main process in depth as JSON, secrets masked', async () => {
    const result = await remora(['proc', app.name, '1', '--json']);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    const d = JSON.parse(result.stdout) as ProcessDetails;
    expect(d).toMatchObject({
      pid: 1,
      ppid: 0,
      name: 'app',
      executable: '/app',
      cwd: '/home/nonroot',
      root: '/',
      user: 'nonroot',
      group: 'nonroot',
      command: ['/app'],
      tracerPid: 0,
      toolkit: false,
    });
    expect(d.uid).toEqual({ real: 65532, effective: 65532, saved: 65532, fs: 65532 });
    expect(d.capabilities.effective).toEqual([]);
    expect(d.environment).toContainEqual(['API_TOKEN', '********']);
    expect(d.environment).toContainEqual(['DATABASE_URL', 'postgres://app:********@db/app']);
    expect(d.environment).toContainEqual(['GREETING', 'hello']);
    expect(d.maskedSecrets).toBe(2);
    expect(d.fds).toContainEqual(expect.objectContaining({ kind: 'socket', description: 'tcp 0.0.0.0:8080 LISTEN' }));
    expect(d.fds?.[0]).toMatchObject({ fd: 0, target: '/dev/null' });
    expect(d.limits.map((l) => l.name)).toContain('Max open files');
    expect(d.namespaces.map((n) => n.type)).toEqual(expect.arrayContaining(['mnt', 'net', 'pid', 'uts']));
    expect(d.cgroups.length).toBeGreaterThan(0);
    expect(result.stdout).not.toContain('s3cr3t-token');
    expect(result.stdout).not.toContain('pw123');
  });

  it('prints sections for humans, and the secrets with --show-secrets', async () => {
    const text = await remora(['proc', app.name, '1']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/^pid\s+1$/m);
    expect(text.stdout).toMatch(/^executable\s+\/app$/m);
    expect(text.stdout).toMatch(/^user\s+65532 \(nonroot\)$/m);
    expect(text.stdout).toContain('environment (2 secret values masked; --show-secrets shows them)');
    expect(text.stdout).toMatch(/^\s+3\s+tcp 0\.0\.0\.0:8080 LISTEN$/m);
    expect(text.stdout).not.toContain('s3cr3t-token');
    const shown = await remora(['proc', app.name, '1', '--show-secrets']);
    expect(shown.stdout).toContain('  API_TOKEN=s3cr3t-token');
    expect(shown.stdout).toContain('  DATABASE_URL=postgres://app:pw123@db/app');
  });

  it("names users from the target's own accounts when its /etc/passwd is an absolute symlink", async () => {
    // The kernel resolves the link inside the target. Read through /proc/1/root, the link
    // would be followed in the toolkit's root, where /data/accounts is not: no names at all.
    // (ps's remora-ps helper already read it inside the target; proc did not.)
    await using scratch = await startTarget(engine, 'scratch');
    const script =
      'printf "superuser:x:0:0::/:/none\\n" > /target/data/accounts && ln -sf /data/accounts /target/etc/passwd.new && mv /target/etc/passwd.new /target/etc/passwd';
    expect(await remora(['exec', scratch.name, '--', 'sh', '-c', script])).toMatchObject({ exitCode: 0, stderr: '' });
    const proc = JSON.parse((await remora(['proc', scratch.name, '1', '--json'])).stdout) as ProcessDetails;
    expect(proc).toMatchObject({ pid: 1, user: 'superuser' });
    const listed = await remora(['ps', scratch.name, '--json']);
    expect(listed).toMatchObject({ exitCode: 0, stderr: '' });
    const ps = JSON.parse(listed.stdout) as Array<{ pid: number; user: string }>;
    expect(ps.find((p) => p.pid === 1)?.user).toBe('superuser');
  });

  it('says so in one line when the process is gone or the pid is not one', async () => {
    expect(await remora(['proc', app.name, '4242'])).toMatchObject({
      exitCode: 1,
      stdout: '',
      stderr: `remora: no process 4242 in ${app.name} (it may have exited)\nhint: list the processes with: remora ps ${app.name}\n`,
    });
    expect(await remora(['proc', app.name, 'abc'])).toMatchObject({
      exitCode: 2,
      stderr: 'remora: "abc" is not a process ID\nhint: give a pid as the target sees it (remora ps lists them)\n',
    });
  });

  it('says what the restricted profile cannot read instead of failing', async () => {
    const result = await remora(['proc', app.name, '1', '--profile', 'restricted', '--json']);
    expect(result.exitCode).toBe(0);
    const d = JSON.parse(result.stdout) as ProcessDetails;
    expect(d).toMatchObject({ pid: 1, name: 'app', command: ['/app'], uid: { real: 65532, effective: 65532, saved: 65532, fs: 65532 } });
    // Without SYS_PTRACE, /proc/1/root (and the passwd behind it), exe and cwd are closed.
    expect([d.user, d.executable, d.cwd]).toEqual([undefined, undefined, undefined]);
    expect(d.environment).toBeUndefined();
    expect(d.fds).toBeUndefined();
    expect(d.unreadable).toEqual([
      expect.stringMatching(/^environment: permission denied/),
      expect.stringMatching(/^open files: permission denied/),
    ]);
  });
});
