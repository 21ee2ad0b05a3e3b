// The integration suite's core against Podman's Docker-compatible service, as a second
// engine (rootful and rootless, one test file each so they run side by side): the offline
// build through Remora's code path, targets, exec, ps, cp to and from a tmpfs, strace,
// shell, attach, sessions, stand-ins of stopped containers, and what is Podman's own: `podman rm -f` of a target with a
// session, and a --rm toolkit of a killed remora removed by the engine.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import { createEngine } from '../../src/engine/create-engine.js';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { buildFromDirectory, DEFAULT_BASE, FALLBACK_BASE } from '../../src/session/toolkit-image.js';
import { remora, remoraProcess, runLabel, startTarget, toolkitsOf, runLabels, TEST_LABEL } from './fixtures.js';
import { makeLargeFile, sha256File } from './large-file.js';
import { prepareTestImages } from './images.js';
import { PODMAN_TARGETS, type PodmanService, podmanAvailable } from './podman.js';
import { spawnRemora } from './pty.js';
import { waitFor } from './wait-for.js';

const SCREEN_TIMEOUT = 45_000;

export async function podmanSuite(service: PodmanService): Promise<void> {
  const available = await podmanAvailable(service);
  const PODMAN_HOST = service.host;
  /** Every remora run here talks to Podman, as a user with DOCKER_HOST set would. */
  const env = { DOCKER_HOST: PODMAN_HOST };
  let engine: DockerEngine;

  beforeAll(async () => {
    if (!available) return;
    engine = createEngine({ host: PODMAN_HOST });
    const started = Date.now();
    // Global setup built them (on a fresh CI machine: no registry, so the base came from
    // debootstrap and was imported); where it could not, this builds them or says why.
    await prepareTestImages(engine, () => undefined, PODMAN_TARGETS);
    if (process.env.REMORA_TEST_VERBOSE) process.stderr.write(`[podman ${service.mode}] images ready in ${Date.now() - started} ms\n`);
  }, 900_000);

  afterAll(async () => {
    if (!engine) return;
    const leftovers = await engine.listContainers({ all: true, labels: [runLabels()] });
    await Promise.all(leftovers.map((c) => engine.removeContainer(c.id)));
    engine.dispose();
  });

  async function running(id: string): Promise<boolean> {
    return engine
      .inspectContainer(id)
      .then((d) => d.state.running)
      .catch(() => false);
  }

  describe.skipIf(!available)(`on ${service.mode} Podman`, () => {
    it('builds on the base it finds by name: a retried build runs no debootstrap', async () => {
      // The base the toolkit was built on is found under its own name (Podman once filed an
      // imported base as NAME:latest, so every retry made it again).
      const base = (await engine.imageExists(DEFAULT_BASE)) ? DEFAULT_BASE : FALLBACK_BASE;
      expect(await engine.imageExists(base)).toBe(true);
      const context = mkdtempSync(join(tmpdir(), 'remora-podman-build-'));
      const said: string[] = [];
      const tag = `remora-test/podman-retry:${runLabel()}`;
      try {
        // A step of this run's own: Podman's layer cache would otherwise hand back an earlier
        // run's image, labels included (the labels given to the build are not in its cache key).
        writeFileSync(
          join(context, 'Dockerfile'),
          `ARG BASE\nFROM \${BASE} AS first\nRUN echo first > /stage && echo ${runLabel()} > /run-label\nFROM \${BASE} AS second\nRUN echo second > /stage\n`,
        );
        await buildFromDirectory({
          engine,
          tag,
          directory: context,
          say: (line) => said.push(line),
          what: 'test image',
          buildTarget: 'first',
          labels: { [TEST_LABEL]: runLabel() },
        });
        expect(said.join('\n')).not.toMatch(/debootstrap/);
        expect(said[0]).toBe(`building test image ${tag} from ${base} (first use only; takes a minute or two)`);
        // Build arguments, labels and the target stage all reached Podman's builder.
        expect(await engine.imageLabels(tag)).toMatchObject({ [TEST_LABEL]: runLabel() });
        const id = await engine.createContainer({
          name: `remora-t-build-${runLabel()}`,
          image: tag,
          cmd: ['cat', '/stage'],
          labels: { [TEST_LABEL]: runLabel() },
          hostConfig: {},
        });
        await engine.startContainer(id);
        const logs = await engine.logs(id, { follow: true });
        let out = '';
        for await (const chunk of logs.stdout) out += String(chunk);
        expect(out).toBe('first\n');
      } finally {
        await execa('podman', ['--url', PODMAN_HOST, 'rmi', '-f', tag], { reject: false });
        rmSync(context, { recursive: true, force: true });
      }
    });

    it('doctor names the engine and its mode, and every profile works', async () => {
      const result = await remora(['doctor', '-q'], { env });
      const lines = result.stdout.split('\n');
      expect(lines[0]).toMatch(new RegExp(`^ok +engine: Podman [\\d.]+ \\(${service.mode}\\), API 1\\.\\d+, linux/\\w+, at `));
      expect(lines[0]?.endsWith(` at ${PODMAN_HOST} (from DOCKER_HOST)`)).toBe(true);
      expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([]);
      expect(result.exitCode).toBe(0);
    });

    it('lists the target, runs commands in its session, shows its processes, ends the session', async () => {
      await using target = await startTarget(engine, 'scratch');
      const targets = await remora(['targets', '--json'], { env });
      expect(targets.exitCode).toBe(0);
      expect((JSON.parse(targets.stdout) as Array<Record<string, unknown>>).find((r) => r.name === target.name)).toMatchObject({
        id: target.id,
        state: 'running',
        hasShell: false,
      });

      const exec = await remora(['exec', target.name, '--', 'sh', '-c', 'cat /target/etc/passwd | head -n 1; exit 3'], { env });
      expect(exec).toMatchObject({ exitCode: 3, stdout: 'root:x:0:0:root:/root:/sbin/nologin\n' });
      const piped = await remora(['exec', '-i', target.name, '--', 'wc', '-c'], { env, input: 'twelve bytes' });
      expect(piped.stdout.trim()).toBe('12');

      const ps = await remora(['ps', target.name, '--json'], { env });
      expect(ps.exitCode).toBe(0);
      const processes = JSON.parse(ps.stdout) as Array<{ pid: number; user: string; command: string }>;
      expect(processes).toEqual([expect.objectContaining({ pid: 1, user: 'root', command: '/app' })]);

      // Rootful, the session's warm commands run in its control server (rootless under another
      // user than remora's, the engine cannot mount its directory, and execs serve).
      if (service.mode === 'rootful') {
        const parent = ['exec', target.name, '--', 'sh', '-c', 'cat /proc/$PPID/comm 2>/dev/null || echo engine'];
        await waitFor(async () => (await remora(parent, { env })).stdout === 'remora-serve\n', { what: "the session's control server" });
        expect(await remora(['exec', target.name, '--', 'sh', '-c', 'ls /target/app; exit 4'], { env })).toEqual({
          exitCode: 4,
          stdout: '/target/app\n',
          stderr: '',
        });
      }

      const sessions = JSON.parse((await remora(['sessions', '--json'], { env })).stdout) as Array<{ target: string; profile: string }>;
      expect(sessions.filter((s) => s.target === target.name)).toEqual([expect.objectContaining({ profile: 'general' })]);
      expect(await remora(['detach', target.name], { env })).toMatchObject({ exitCode: 0, stderr: 'remora: ended 1 session\n' });
      expect(await toolkitsOf(engine, target.id)).toEqual([]);
      expect(await running(target.id)).toBe(true);
    });

    it('copies into and out of a tmpfs on a read-only target', async () => {
      await using target = await startTarget(engine, 'scratch', { readOnly: true, tmpfs: { '/data': 'rw,size=8m' } });
      const local = mkdtempSync(join(tmpdir(), 'remora-podman-cp-'));
      try {
        writeFileSync(join(local, 'pushed.txt'), 'pushed through the toolkit\n');
        expect((await remora(['cp', join(local, 'pushed.txt'), `${target.name}:/data/`], { env })).exitCode).toBe(0);
        expect((await remora(['exec', target.name, '--', 'cat', '/target/data/pushed.txt'], { env })).stdout).toBe(
          'pushed through the toolkit\n',
        );
        // The app's own log, on the tmpfs, comes out.
        await waitFor(
          async () => (await remora(['exec', target.name, '--', 'test', '-s', '/target/data/app.log'], { env })).exitCode === 0,
          { what: 'the app to write its log' },
        );
        const out = await remora(['cp', `${target.name}:/data/app.log`, join(local, 'app.log')], { env });
        expect(out.exitCode).toBe(0);
        expect(readFileSync(join(local, 'app.log'), 'utf8')).toMatch(/tick \d+\n/);
        const readOnly = await remora(['cp', join(local, 'pushed.txt'), `${target.name}:/etc/`], { env });
        expect(readOnly.exitCode).toBe(1);
        expect(readOnly.stderr).toMatch(/read-only/);
      } finally {
        rmSync(local, { recursive: true, force: true });
      }
    });

    it("copies a large file both ways by the engine's archive route, and through the toolkit on a tmpfs", async () => {
      await using target = await startTarget(engine, 'scratch', { tmpfs: { '/scratch': 'rw,size=200m' } });
      const local = mkdtempSync(join(tmpdir(), 'remora-podman-big-'));
      try {
        // 130 MiB (the archive route starts at 128): random at both ends, sparse between.
        const big = join(local, 'big.bin');
        const sha = makeLargeFile(big, 130 * 1024 * 1024);
        const pushed = await remora(['cp', '--debug', '--verify', '--owner', '1234:5678', big, `${target.name}:/tmp/`], { env });
        expect(pushed).toMatchObject({
          exitCode: 0,
          stderr: expect.stringMatching(/^remora: cp: archive route \(a 130 MiB file on the target's writable overlay root\)\n/),
        });
        const there = await remora(
          ['exec', target.name, '--', 'sh', '-c', 'stat -c %u:%g /target/tmp/big.bin; ls -a /target/tmp | grep -c remora-tmp'],
          { env },
        );
        expect(there.stdout).toBe('1234:5678\n0\n');
        const back = await remora(['cp', '--debug', '--verify', `${target.name}:/tmp/big.bin`, join(local, 'back.bin')], { env });
        expect(back).toMatchObject({ exitCode: 0, stderr: expect.stringMatching(/^remora: cp: archive route /) });
        expect(sha256File(join(local, 'back.bin'))).toBe(sha);
        const tmpfs = await remora(['cp', '--debug', big, `${target.name}:/scratch/`], { env });
        expect(tmpfs).toMatchObject({ exitCode: 0, stderr: expect.stringMatching(/^remora: cp: exec route \(on the tmpfs at \/scratch/) });
      } finally {
        rmSync(local, { recursive: true, force: true });
      }
    });

    it('traces the app writing its log and detaches after --duration', async () => {
      await using target = await startTarget(engine, 'scratch');
      const result = await remora(['strace', target.name, '--duration', '2.5s'], { env });
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(/write\(\d+, "\d{4}-\d\d-\d\dT[\d:]+Z tick \d+\\n", \d+\) = \d+/);
      expect(result.stderr).toMatch(/^strace: Process 1 detached$/m);
    });

    it("opens a shell at the target's root in a terminal", async () => {
      await using target = await startTarget(engine, 'scratch');
      await using shell = spawnRemora(['shell', target.name], { cols: 100, rows: 30, env });
      await shell.waitForScreen(`[remora ${target.name}]`, SCREEN_TIMEOUT);
      shell.type('pwd; ls /target/app\r');
      await shell.waitForScreen(/^\/target\/app$/m);
      shell.type('exit\r');
      expect((await shell.exited).exitCode).toBe(0);
    });

    it("attaches the TUI: the target's process list, then quits", async () => {
      await using target = await startTarget(engine, 'scratch');
      await using tui = spawnRemora(['attach', target.name], { cols: 100, rows: 30, env });
      await tui.waitForScreen(`remora ▸ ${target.name}`, SCREEN_TIMEOUT);
      await tui.waitForScreen(/^ +1 root +S .*\/app *$/m, SCREEN_TIMEOUT);
      tui.type('q');
      expect((await tui.exited).exitCode).toBe(0);
    });

    it('podman rm -f removes a target that has sessions, and its toolkits go with it', async () => {
      const target = await startTarget(engine, 'scratch');
      try {
        expect((await remora(['exec', target.name, '--', 'true'], { env })).exitCode).toBe(0);
        expect((await remora(['exec', '--profile', 'netadmin', target.name, '--', 'true'], { env })).exitCode).toBe(0);
        expect(await toolkitsOf(engine, target.id)).toHaveLength(2);
        // A reuse asks for the session's control server (rootful): it goes with the rest.
        expect((await remora(['exec', target.name, '--', 'true'], { env })).exitCode).toBe(0);
        const removed = await execa('podman', ['--url', PODMAN_HOST, 'rm', '-f', target.id], { reject: false });
        expect(removed.stderr).toBe('');
        expect(removed.exitCode).toBe(0);
        await waitFor(async () => (await toolkitsOf(engine, target.id)).length === 0, { what: 'the toolkits to go with their target' });
      } finally {
        await target[Symbol.asyncDispose]();
      }
    });

    it('a --rm toolkit of a SIGKILLed remora is removed by the engine, with no later command', async () => {
      await using target = await startTarget(engine, 'scratch');
      const child = remoraProcess(['exec', '--rm', target.name, '--', 'sleep', '300'], { reject: false, env });
      await waitFor(async () => (await toolkitsOf(engine, target.id)).some((t) => t.state === 'running'), {
        what: 'the --rm toolkit to start',
      });
      child.kill('SIGKILL');
      await child;
      // Gone, not left Exited for the next command's sweep: Podman honours AutoRemove.
      await waitFor(async () => (await toolkitsOf(engine, target.id)).length === 0, {
        timeoutMs: 30_000,
        what: 'the orphaned --rm toolkit to be removed',
      });
      expect(await running(target.id)).toBe(true);
    });

    it('exec --rm runs the command as a one-shot toolkit: /target, its status, nothing left; a killed target ends it with 3', async () => {
      await using target = await startTarget(engine, 'scratch');
      // remora's own environment stays out unless -e asks for it.
      const result = await remora(['exec', '--rm', target.name, '--', 'sh', '-c', 'ls /target/app; echo "FOO=$FOO" >&2; exit 7'], {
        env: { ...env, FOO: 'bar' },
      });
      expect(result).toMatchObject({ exitCode: 7, stdout: '/target/app\n', stderr: 'FOO=\n' });
      const withEnv = await remora(['exec', '--rm', '-e', 'FOO', target.name, '--', 'sh', '-c', 'echo "$FOO"'], {
        env: { ...env, FOO: 'bar' },
      });
      expect(withEnv).toMatchObject({ exitCode: 0, stdout: 'bar\n' });
      expect(await toolkitsOf(engine, target.id)).toEqual([]);

      const child = remoraProcess(['exec', '--rm', target.name, '--', 'sleep', '300'], {
        reject: false,
        stdin: 'ignore',
        env,
        timeout: 60_000,
      });
      await waitFor(async () => (await toolkitsOf(engine, target.id)).some((t) => t.state === 'running'), {
        what: 'the one-shot toolkit to start',
      });
      await execa('podman', ['--url', PODMAN_HOST, 'kill', target.id]);
      const killed = await child;
      expect({ exitCode: killed.exitCode, stderr: killed.stderr }).toEqual({
        exitCode: 3,
        stderr: expect.stringMatching(/^remora: target \S+ exited/),
      });
      await waitFor(async () => (await toolkitsOf(engine, target.id)).length === 0, { what: 'the one-shot toolkit to be removed' });
    });

    it('debugs a stopped container from a stand-in (a commit, or export and import where Podman cannot commit), leaving nothing after --rm', async () => {
      await using target = await startTarget(engine, 'scratch');
      expect((await remora(['exec', '--rm', target.name, '--', 'sh', '-c', 'echo left > /target/left.txt'], { env })).exitCode).toBe(0);
      await execa('podman', ['--url', PODMAN_HOST, 'stop', '-t', '1', target.id]);
      const result = await remora(['exec', '--rm', target.name, '--', 'cat', '/target/left.txt'], { env });
      expect(result).toMatchObject({ exitCode: 0, stdout: 'left\n' });
      expect(result.stderr).toMatch(new RegExp(`^remora: ${target.name}: exited \\d+s ago \\(code \\d+\\) — files as it left them`, 'm'));
      const standIns = await engine.listContainers({ all: true, labels: [`${LABEL.standInFor}=${target.id}`] });
      expect(standIns).toEqual([]);
      expect(await engine.listImages([`${LABEL.standInFor}=${target.id}`])).toEqual([]);
    });

    it('a session reused after its target restarted is a new one, joined to the new namespaces', async () => {
      await using target = await startTarget(engine, 'scratch');
      expect((await remora(['exec', target.name, '--', 'true'], { env })).exitCode).toBe(0);
      await execa('podman', ['--url', PODMAN_HOST, 'restart', '-t', '1', target.id]);
      await waitFor(async () => (await toolkitsOf(engine, target.id)).length === 0, {
        what: 'the old toolkit to die with the old process',
      });
      const ps = await remora(['ps', target.name, '--json'], { env });
      expect(ps.exitCode).toBe(0);
      expect(JSON.parse(ps.stdout)).toEqual([expect.objectContaining({ pid: 1, command: '/app' })]);
    });
  });
}
