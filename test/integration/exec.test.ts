// `remora exec` against real shell-less targets: streams, stdin, exit codes, what the
// toolkit sees of the target, and the errors a user meets first.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { execa } from 'execa';
import {
  REMORA_BIN,
  remora,
  runLabel,
  startTarget,
  testEngine,
  toolkitsOf,
  type RunningTarget,
  runLabels,
  TEST_LABEL,
} from '../support/fixtures.js';

let engine: DockerEngine;
let scratch: RunningTarget;

beforeAll(async () => {
  engine = testEngine();
  scratch = await startTarget(engine, 'scratch');
});

afterAll(async () => {
  await scratch?.[Symbol.asyncDispose]();
  engine?.dispose();
});

describe('remora exec', () => {
  it("keeps stdout and stderr apart and returns the command's status", async () => {
    const result = await remora(['exec', scratch.name, '--', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
    expect(result).toMatchObject({ exitCode: 7, stdout: 'out\n', stderr: 'err\n' });
  });

  it("sees the target's processes and its root filesystem at /target", async () => {
    const result = await remora(['exec', scratch.name, '--', 'sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "; echo; ls /target']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('/app ');
    expect(result.stdout).toMatch(/^app$/m);
    expect(result.stdout).toMatch(/^data$/m);
  });

  it('with -i, forwards a multi-megabyte piped stdin intact and closes it at EOF', async () => {
    const input = randomBytes(6 * 1024 * 1024);
    const expected = createHash('sha256').update(input).digest('hex');
    const result = await remora(['exec', '-i', scratch.name, '--', 'sha256sum'], { input });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split(' ')[0]).toBe(expected);
  });

  it('without -i, leaves stdin alone: the command reads nothing, a shell loop runs every line', async () => {
    const alone = await remora(['exec', scratch.name, '--', 'cat'], { input: 'not for cat\n' });
    expect(alone).toMatchObject({ exitCode: 0, stdout: '' });

    const loop = 'while read -r line; do "$REMORA" exec "$TARGET" -- true && echo "ran $line"; done';
    const result = await execa('bash', ['-c', loop], {
      input: 'one\ntwo\nthree\n',
      env: { REMORA: REMORA_BIN, TARGET: scratch.name, REMORA_LABELS: runLabels() },
      reject: false,
    });
    expect(result.stdout).toBe('ran one\nran two\nran three');
  });

  it('gives -t alone a terminal without reading stdin, and refuses -it without one (exit 2)', async () => {
    const tty = await remora(['exec', '-t', scratch.name, '--', 'tty'], { input: 'not read\n' });
    expect(tty.exitCode).toBe(0);
    expect(tty.stdout).toMatch(/^\/dev\/pts\/\d+\r?\n$/);
    const both = await remora(['exec', '-it', scratch.name, '--', 'sh'], { input: 'exit\n' });
    expect(both).toMatchObject({
      exitCode: 2,
      stdout: '',
      stderr:
        'remora: the input is not a terminal (-t with -i needs one)\nhint: drop -t when piping into the command, or run it from a terminal\n',
    });
  });

  it('takes -e before and after the target, as docker does', async () => {
    const result = await remora(['exec', '-e', 'FOO=bar', scratch.name, '-e', 'BAZ=two words', '--', 'sh', '-c', 'echo "$FOO|$BAZ"']);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'bar|two words\n' });
  });

  it('starts the command in a directory of the target with -w, and says so when it is missing', async () => {
    const result = await remora(['exec', '-w', '/data', scratch.name, '--', 'sh', '-c', 'pwd; ls -d ../app']);
    expect(result).toMatchObject({ exitCode: 0, stdout: '/target/data\n../app\n' });
    const missing = await remora(['exec', scratch.name, '-w', '/no/such/dir', '--', 'pwd']);
    expect(missing).toMatchObject({ exitCode: 125, stdout: '', stderr: 'remora: /no/such/dir: no such directory in the target\n' });
    const restricted = await remora(['exec', '--rm', '--profile', 'restricted', '-w', '/data', scratch.name, '--', 'true']);
    expect(restricted).toMatchObject({
      exitCode: 125,
      stderr: "remora: -w /data: this profile cannot reach the target's files (use --profile general)\n",
    });
  });

  it('says 127 for a command that is not there and 126 for one that cannot run', async () => {
    const missing = await remora(['exec', scratch.name, '--', 'no-such-tool']);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toBe('remora: no-such-tool: command not found in the toolkit\n');
    const notExecutable = await remora(['exec', scratch.name, '--', '/etc/hostname']);
    expect(notExecutable.exitCode).toBe(126);
  });

  it('runs as another user when asked', async () => {
    const result = await remora(['exec', '--user', '65532', scratch.name, '--', 'id', '-u']);
    expect(result).toMatchObject({ exitCode: 0, stdout: '65532\n' });
  });

  it('reuses one toolkit for consecutive commands', async () => {
    await remora(['exec', scratch.name, '--', 'true']);
    await remora(['exec', scratch.name, '--', 'true']);
    const toolkits = (await toolkitsOf(engine, scratch.id)).filter(
      (t) => t.labels['remora.profile'] === 'general' && t.labels['remora.ephemeral'] !== 'true',
    );
    expect(toolkits).toHaveLength(1);
  });
});

describe('target errors', () => {
  it('names the closest container when the target is not found (exit 3)', async () => {
    const result = await remora(['exec', `${scratch.name}x`, '--', 'true']);
    expect(result.exitCode).toBe(3);
    const [message, hint] = result.stderr.split('\n');
    // Neither a container nor a local image has that name (an image would be a target too).
    expect(message).toBe(`remora: no container or image named "${scratch.name}x"`);
    // Other tests' targets may be close too; the real one must be the first suggestion.
    expect(hint).toMatch(new RegExp(`^hint: did you mean "${scratch.name}"[,?]`));
  });

  it('lists the candidates of an ambiguous compose service (exit 3)', async () => {
    const service = `svc-${randomBytes(3).toString('hex')}`;
    // Two replicas of one compose service, as `docker compose up --scale` makes them.
    const replicas = await Promise.all(
      [1, 2].map(async (n) => {
        const id = await engine.createContainer({
          name: `${service}-${n}`,
          image: 'remora-test/scratch:latest',
          labels: { [TEST_LABEL]: runLabel(), 'com.docker.compose.service': service, 'com.docker.compose.project': 'p' },
          hostConfig: {},
        });
        await engine.startContainer(id);
        return id;
      }),
    );
    try {
      const result = await remora(['exec', service, '--', 'true']);
      expect(result.exitCode).toBe(3);
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines[0]).toBe(`remora: "${service}" matches 2 containers by compose service`);
      expect(
        lines
          .slice(1, 3)
          .map((l) => l.trim().split(/\s+/)[1])
          .sort(),
      ).toEqual([`${service}-1`, `${service}-2`]);
      expect(lines[3]).toBe('hint: name one by its full name or a longer ID');
    } finally {
      await Promise.all(replicas.map((id) => engine.removeContainer(id)));
    }
  });

  it('runs in a stand-in of a stopped target, saying so; ps says no process runs (exit 3)', async () => {
    await using stopped = await startTarget(engine, 'scratch');
    await execa('docker', ['stop', '-t', '5', stopped.id]);
    const result = await remora(['exec', '--rm', stopped.name, '--', 'ls', '/target/app']);
    expect(result).toMatchObject({ exitCode: 0, stdout: '/target/app\n' });
    expect(result.stderr).toMatch(
      new RegExp(`^remora: ${stopped.name}: exited \\d+[smhd] ago \\(code \\d+\\) — files as it left them; tmpfs contents are gone$`, 'm'),
    );
    const ps = await remora(['ps', stopped.name]);
    expect(ps.exitCode).toBe(3);
    expect(ps.stderr).toMatch(
      new RegExp(
        `^remora: ${stopped.name} exited \\d+[smhd] ago \\(code \\d+\\): no process is running\nhint: trace it from its first instruction with \`remora strace --from-start ${stopped.name}\``,
      ),
    );
  });

  it('reports an unreachable engine in one line with where the address came from (exit 4)', async () => {
    const result = await remora(['exec', scratch.name, '--', 'true'], { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(result.exitCode).toBe(4);
    expect(result.stderr.split('\n')[0]).toBe(
      'remora: cannot reach the container engine at unix:///nonexistent/docker.sock (no such socket; from DOCKER_HOST)',
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects an unknown profile as a usage error (exit 2)', async () => {
    const result = await remora(['exec', '--profile', 'root', scratch.name, '--', 'true']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('remora: unknown profile "root"\nhint: choose one of: general, restricted, netadmin, capture, sysadmin\n');
  });
});
