// A shared session's control server (remora-serve, session/control-exec.ts): warm commands
// on a local engine run there instead of in an engine exec, behave as they would in one,
// and leave nothing when the session ends; without it, the engine serves as before.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remora, remoraProcess, startTarget, testEngine, toolkitsOf, type RunningTarget } from '../support/fixtures.js';
import { waitFor } from '../support/wait-for.js';

let engine: DockerEngine;

beforeAll(() => {
  engine = testEngine();
});
afterAll(() => engine?.dispose());

/** Who started the command: remora-serve, or (an engine exec, whose parent is outside the namespace) "engine". */
const PARENT = ['sh', '-c', 'cat /proc/$PPID/comm 2>/dev/null || echo engine'];

/** Uses the session until its server answers: the first reuse asks for it, beside its own engine exec. */
async function withServer(target: RunningTarget): Promise<void> {
  expect((await remora(['exec', target.name, '--', ...PARENT])).stdout).toBe('engine\n');
  await waitFor(async () => (await remora(['exec', target.name, '--', ...PARENT])).stdout === 'remora-serve\n', {
    what: "the session's control server",
  });
}

/** Zombies in the target's PID namespace, counted from a one-shot toolkit (the target has no ps). */
async function zombiesIn(target: RunningTarget): Promise<string> {
  const result = await remora(['exec', '--rm', target.name, '--', 'sh', '-c', 'grep -l "^State:.Z" /proc/[0-9]*/status | wc -l']);
  expect(result.exitCode).toBe(0);
  return result.stdout.trim();
}

describe('the control socket of a shared session', () => {
  it('runs warm commands as an engine exec would: status, streams, stdin only with -i, environment, /target', async () => {
    await using target = await startTarget(engine, 'scratch');
    await withServer(target);
    expect(await remora(['exec', target.name, '--', 'sh', '-c', 'echo out; echo err >&2; ls /target/app; exit 3'])).toEqual({
      exitCode: 3,
      stdout: 'out\n/target/app\n',
      stderr: 'err\n',
    });
    expect(await remora(['exec', '-i', target.name, '--', 'wc', '-c'], { input: 'twelve bytes' })).toMatchObject({ stdout: '12\n' });
    expect(await remora(['exec', target.name, '--', 'wc', '-c'], { input: 'not sent' })).toMatchObject({ stdout: '0\n' });
    expect(await remora(['exec', '-e', 'GREETING=hi', target.name, '--', 'sh', '-c', 'echo $GREETING $REMORA_TARGET_NAME $PATH'])).toEqual({
      exitCode: 0,
      stdout: `hi ${target.name} /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/remora/bin\n`,
      stderr: '',
    });
    expect(await remora(['exec', target.name, '--', 'sh', '-c', 'kill -9 $$'])).toMatchObject({ exitCode: 137 });
    // Stdin still goes to a command that closed its outputs, until it exits.
    const input = Buffer.alloc(4 * 1024 * 1024, 'y');
    expect(
      await remora(['exec', '-i', target.name, '--', 'sh', '-c', 'exec >/dev/null 2>&1; wc -c > /tmp/count'], { input }),
    ).toMatchObject({
      exitCode: 0,
    });
    expect((await remora(['exec', target.name, '--', 'cat', '/tmp/count'])).stdout).toBe(`${input.length}\n`);
    // The server runs commands as the toolkit's root, without a terminal: -u goes to the engine.
    expect(
      (await remora(['exec', '-u', '65534', target.name, '--', 'sh', '-c', 'id -u; cat /proc/$PPID/comm 2>/dev/null || echo engine']))
        .stdout,
    ).toBe('65534\nengine\n');
  });

  it('keeps the status of a command that leaves most of its stdin unread', async () => {
    await using target = await startTarget(engine, 'scratch');
    await withServer(target);
    // The server must not close on stdin still in flight: that resets the connection, and
    // the status sent before it could be lost (it was, one run in three, as "killed").
    const input = Buffer.alloc(8 * 1024 * 1024, 'x');
    for (let run = 0; run < 8; run++) {
      expect(await remora(['exec', '-i', target.name, '--', 'sh', '-c', 'head -c 3; exit 5'], { input })).toEqual({
        exitCode: 5,
        stdout: 'xxx',
        stderr: '',
      });
    }
  });

  it('ends the commands running in it before the session is removed: no zombie in the target, no directory left', async () => {
    await using target = await startTarget(engine, 'scratch');
    await withServer(target);
    const [toolkit] = await toolkitsOf(engine, target.id);
    const dir = toolkit?.labels[LABEL.controlDir] as string;
    expect(existsSync(dir)).toBe(true);
    // A command with a child in a session of its own, and one whose reader stopped reading
    // (its server blocked writing to remora).
    const running = remoraProcess(['exec', target.name, '--', 'sh', '-c', 'setsid sleep 300 & sleep 300'], { reject: false });
    // Nobody reads its output: remora stops reading, and the server blocks writing to it.
    const stalled = remoraProcess(['exec', target.name, '--', 'cat', '/dev/zero'], { reject: false, buffer: false });
    await waitFor(
      async () => (await remora(['exec', target.name, '--', 'sh', '-c', 'pgrep -c -x sleep; pgrep -c -x cat'])).stdout === '2\n1\n',
      { what: 'the commands and the child to run' },
    );
    expect(await remora(['detach', target.name])).toMatchObject({ exitCode: 0, stderr: 'remora: ended 1 session\n' });
    expect((await running).exitCode).not.toBe(0);
    stalled.kill('SIGKILL');
    await stalled;
    expect(await zombiesIn(target)).toBe('0');
    expect(existsSync(dir)).toBe(false);
  });

  it('leaves the session to the engine once its server is gone', async () => {
    await using target = await startTarget(engine, 'scratch');
    await withServer(target);
    // From a command the server runs: its handler lives on until the command is done.
    expect((await remora(['exec', target.name, '--', 'sh', '-c', 'kill $(cat /run/remora-serve.pid)'])).exitCode).toBe(0);
    expect(await remora(['exec', target.name, '--', ...PARENT])).toEqual({ exitCode: 0, stdout: 'engine\n', stderr: '' });
  });

  it('does not keep an idle session alive', async () => {
    await using target = await startTarget(engine, 'scratch');
    expect((await remora(['exec', '--idle', '3s', target.name, '--', 'true'])).exitCode).toBe(0);
    await withServer(target);
    await waitFor(async () => (await toolkitsOf(engine, target.id)).length === 0, { timeoutMs: 30_000, what: 'the idle toolkit to end' });
    expect(await zombiesIn(target)).toBe('0');
  });
});
