// Remora over ssh:// as a user of a remote Docker host has it: the system ssh with an
// ~/.ssh/config alias, the default key and known_hosts (the sshd of .ci/start-sshd on
// 127.0.0.1:2222, whose `docker system dial-stdio` reaches this machine's engine).
import { execa } from 'execa';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/create-engine.js';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { ensureBuiltImage, packageDir } from '../../src/session/toolkit-image.js';
import { remora, remoraProcess, runLabel, startTarget, testEngine, type RunningTarget } from '../support/fixtures.js';
import { makeLargeFile, sha256File } from '../support/large-file.js';
import { waitFor } from '../support/wait-for.js';
import { spawnRemora } from '../support/pty.js';

const ALIAS = 'remora-test-ssh';
const HOST = `ssh://${ALIAS}`;

/** Whether `ssh remora-test-ssh` logs in without a prompt (.ci/start-sshd sets it up). */
async function sshAvailable(): Promise<boolean> {
  const result = await execa('ssh', ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', ALIAS, 'docker', 'version'], {
    reject: false,
    stdin: 'ignore',
  });
  return result.exitCode === 0;
}

const available = await sshAvailable();
if (!available && process.env.CI) throw new Error(`CI is set but \`ssh ${ALIAS}\` does not log in: .ci/start-sshd should have set it up`);
if (!available) console.warn(`[ssh.test] skipped: \`ssh ${ALIAS}\` does not log in (run .ci/start-sshd to set up the test sshd)`);

describe.skipIf(!available)('remora over ssh://', () => {
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

  it('exec: output, stdin and the exit status come back', async () => {
    const result = await remora(['exec', '-i', '-H', HOST, target.name, '--', 'sh', '-c', 'cat; echo err >&2; ls /target/app; exit 3'], {
      input: 'from stdin\n',
    });
    expect(result).toEqual({ exitCode: 3, stdout: 'from stdin\n/target/app\n', stderr: 'err\n' });
  });

  it("ps lists the target's main process", async () => {
    const result = await remora(['ps', '-H', HOST, target.name]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^1 +0 +root +S .*\/app$/m);
  });

  it('cp copies a file in and back out unchanged', async () => {
    const local = mkdtempSync(join(tmpdir(), 'remora-ssh-cp-'));
    try {
      const content = randomBytes(3 * 1024 * 1024);
      writeFileSync(join(local, 'blob.bin'), content);
      const copyIn = await remora(['cp', '-H', HOST, join(local, 'blob.bin'), `${target.name}:/data/blob.bin`]);
      expect(copyIn.exitCode, copyIn.stderr).toBe(0);
      const copyOut = await remora(['cp', '-H', HOST, `${target.name}:/data/blob.bin`, join(local, 'back.bin')]);
      expect(copyOut.exitCode, copyOut.stderr).toBe(0);
      expect(readFileSync(join(local, 'back.bin')).equals(content)).toBe(true);
    } finally {
      rmSync(local, { recursive: true, force: true });
    }
  });

  it("cp moves a large file both ways by the engine's archive route, verified", async () => {
    const local = mkdtempSync(join(tmpdir(), 'remora-ssh-big-'));
    try {
      // 130 MiB (the archive route starts at 128): random at both ends, sparse between.
      const big = join(local, 'big.bin');
      makeLargeFile(big, 130 * 1024 * 1024);
      const copyIn = await remora(['cp', '-H', HOST, '--debug', '--verify', big, `${target.name}:/data/big.bin`]);
      expect(copyIn).toMatchObject({
        exitCode: 0,
        stderr:
          "remora: cp: archive route (a 130 MiB file on the target's writable overlay root)\nremora: verified: SHA-256 of 1 file identical on both sides\n",
      });
      const copyOut = await remora(['cp', '-H', HOST, '--debug', '--verify', `${target.name}:/data/big.bin`, join(local, 'back.bin')]);
      expect(copyOut).toMatchObject({ exitCode: 0, stderr: expect.stringMatching(/^remora: cp: archive route /) });
      expect(sha256File(join(local, 'back.bin'))).toBe(sha256File(big));
    } finally {
      rmSync(local, { recursive: true, force: true });
    }
  });

  it('strace traces the main process for a while and ends by itself', async () => {
    const result = await remora(['strace', '-H', HOST, target.name, '--duration', '2s']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^(write|poll|openat|close|clock_nanosleep)\(/m);
  });

  it('shell: a prompt in a real terminal, commands answered, exit 0', async () => {
    await using shell = spawnRemora(['shell', '-H', HOST, target.name]);
    await shell.waitForScreen(`[remora ${target.name}]`);
    shell.type('echo "sum $((40 + 2))"\r');
    await shell.waitForScreen(/^sum 42$/m);
    shell.type('exit\r');
    expect((await shell.exited).exitCode).toBe(0);
  });

  it("attach: the TUI shows the running target's processes and quits cleanly", async () => {
    await using tui = spawnRemora(['attach', '-H', HOST, target.name], { cols: 100, rows: 30 });
    await tui.waitForScreen(`remora ▸ ${target.name}`, 45_000);
    await tui.waitForScreen(/^ +1 root +S .*\/app *$/m, 45_000);
    tui.type('q');
    expect((await tui.exited).exitCode).toBe(0);
  });

  it('an ssh docker context is used as its host, over DOCKER_HOST', async () => {
    const config = mkdtempSync(join(tmpdir(), 'remora-ssh-context-'));
    try {
      await execa('docker', ['--config', config, 'context', 'create', 'remote-box', '--docker', `host=${HOST}`]);
      const result = await remora(['exec', '--context', 'remote-box', target.name, '--', 'echo', 'through the context'], {
        env: { DOCKER_CONFIG: config, DOCKER_HOST: 'tcp://127.0.0.1:1' },
      });
      expect(result).toEqual({ exitCode: 0, stdout: 'through the context\n', stderr: '' });
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
  });

  it("later commands go through the master's forward to the engine, with no ssh of their own", async () => {
    // From no master: the forward an earlier one left is stale, and is replaced.
    await execa('ssh', ['-O', 'exit', '-o', `ControlPath=${controlPath()}`, ALIAS], { reject: false });
    // The first command logs in, and makes the forward before it exits.
    expect(await remora(['exec', '-H', HOST, target.name, '--', 'echo', 'logged in'])).toEqual({
      exitCode: 0,
      stdout: 'logged in\n',
      stderr: '',
    });
    // An ssh that can only fail: the next command gets through without starting one.
    const noSsh = mkdtempSync(join(tmpdir(), 'remora-no-ssh-'));
    writeFileSync(join(noSsh, 'ssh'), '#!/bin/sh\necho "ssh: not expected here" >&2\nexit 255\n', { mode: 0o755 });
    try {
      const env = { PATH: `${noSsh}:${process.env.PATH ?? ''}` };
      expect(await remora(['exec', '-H', HOST, target.name, '--', 'echo', 'through the forward'], { env })).toEqual({
        exitCode: 0,
        stdout: 'through the forward\n',
        stderr: '',
      });
      expect((await remora(['ps', '-H', HOST, target.name], { env })).exitCode).toBe(0);
      // And doctor says which way requests go.
      const doctor = await remora(['doctor', '-H', HOST, '--json'], { env });
      const checks = (JSON.parse(doctor.stdout) as { checks: Array<{ name: string; detail: string }> }).checks;
      expect(checks.find((check) => check.name === 'ssh')?.detail).toBe(
        "requests go through the shared connection's forward to /var/run/docker.sock on the host",
      );
    } finally {
      rmSync(noSsh, { recursive: true, force: true });
    }
  });

  it('several commands at once over one host all succeed', async () => {
    // Start from no master connection, so they race to make one.
    await execa('ssh', ['-O', 'exit', '-o', `ControlPath=${controlPath()}`, ALIAS], { reject: false });
    const runs = await Promise.all([
      ...[1, 2, 3, 4].map((n) => remora(['exec', '-H', HOST, target.name, '--', 'echo', `run ${n}`])),
      remora(['ps', '-H', HOST, target.name]),
      remora(['targets', '-H', HOST]),
    ]);
    for (const [index, run] of runs.entries()) expect(run.exitCode, `run ${index}: ${run.stderr}`).toBe(0);
    expect(runs.slice(0, 4).map((run) => run.stdout)).toEqual(['run 1\n', 'run 2\n', 'run 3\n', 'run 4\n']);
  });

  it("a connection lost during exec ends it with ssh's words, exit 4", async () => {
    const running = remoraProcess(['exec', '-H', HOST, target.name, '--', 'sh', '-c', 'echo started; sleep 60'], {
      reject: false,
      stdin: 'ignore',
      buffer: true,
    });
    let out = '';
    running.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await waitFor(() => out.includes('started'), { what: 'the remote command to start' });
    // Ending the shared connection ends every session that runs over it.
    await execa('ssh', ['-O', 'exit', '-o', `ControlPath=${controlPath()}`, ALIAS], { reject: false });
    const result = await running;
    expect(result.exitCode).toBe(4);
    expect(String(result.stderr)).toMatch(
      /^remora: the ssh connection to the container engine at ssh:\/\/remora-test-ssh was lost: .+\nhint: check the network and that `ssh remora-test-ssh` still logs in; a command started there may still be running$/,
    );
  });

  it("refuses a host whose key differs from known_hosts, in ssh's words, exit 4", async () => {
    const result = await remora(['targets', '-H', 'ssh://remora-test-ssh-changed-key']);
    expect(result.exitCode).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'remora: cannot reach the container engine at ssh://remora-test-ssh-changed-key: Host key verification failed.\n' +
        "hint: the host's key differs from the one in known_hosts: if the change is expected, remove the old key (ssh-keygen -R remora-test-ssh-changed-key) and connect once with ssh\n",
    );
  });

  it('never waits on a prompt without a terminal: an unknown host key fails at once, exit 4', async () => {
    // localhost:2222 is not in known_hosts (127.0.0.1:2222 is): ssh would ask to accept it.
    const result = await remora(['targets', '-H', 'ssh://root@localhost:2222']);
    expect(result).toEqual({
      exitCode: 4,
      stdout: '',
      stderr:
        'remora: cannot reach the container engine at ssh://root@localhost:2222: Host key verification failed.\nhint: connect once with ssh to check and accept the host key\n',
    });
  });

  it("a login the server refuses: ssh's words and the ssh command to check, exit 4", async () => {
    const result = await remora(['targets', '-H', 'ssh://nobody@127.0.0.1:2222']);
    expect(result).toEqual({
      exitCode: 4,
      stdout: '',
      stderr:
        'remora: cannot reach the container engine at ssh://nobody@127.0.0.1:2222: nobody@127.0.0.1: Permission denied (publickey).\n' +
        'hint: check that `ssh -p 2222 nobody@127.0.0.1` logs in without a password prompt (a key in ~/.ssh or an agent)\n',
    });
  });

  it('builds and imports over ssh on that engine, whatever DOCKER_HOST and DOCKER_CERT_PATH say', async () => {
    const built = `remora-test/ssh-build:${runLabel()}`;
    const imported = `remora-test/ssh-import:${runLabel()}`;
    const saved = { host: process.env.DOCKER_HOST, certs: process.env.DOCKER_CERT_PATH, verify: process.env.DOCKER_TLS_VERIFY };
    Object.assign(process.env, { DOCKER_HOST: 'tcp://127.0.0.1:1', DOCKER_CERT_PATH: '/nonexistent', DOCKER_TLS_VERIFY: '1' });
    const overSsh = createEngine({ host: HOST });
    try {
      await ensureBuiltImage({
        engine: overSsh,
        tag: built,
        directory: packageDir('demo-image'),
        say: () => undefined,
        what: 'ssh build',
        buildTarget: 'scratch',
      });
      await overSsh.importImage(Readable.from([emptyTar()]), imported);
    } finally {
      overSsh.dispose();
      for (const [key, value] of Object.entries({
        DOCKER_HOST: saved.host,
        DOCKER_CERT_PATH: saved.certs,
        DOCKER_TLS_VERIFY: saved.verify,
      })) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
    try {
      // The engine behind the ssh host is this machine's: both images are there.
      expect(await engine.imageExists(built)).toBe(true);
      expect(await engine.imageExists(imported)).toBe(true);
    } finally {
      await execa('docker', ['rmi', built, imported], { reject: false });
    }
  });
});

/** The control socket remora uses for HOST (as ssh's ControlPath, with %C for ssh to fill in). */
function controlPath(): string {
  const runtime = process.env.XDG_RUNTIME_DIR;
  const dir = runtime ? join(runtime, 'remora', 'ssh') : `/tmp/remora-ssh-${process.getuid?.() ?? 0}`;
  return join(dir, `${createHash('sha256').update(HOST).digest('hex').slice(0, 16)}-%C`);
}

/** A tar archive with nothing in it: two zero blocks. */
function emptyTar(): Buffer {
  return Buffer.alloc(1024);
}
