// A command whose target or toolkit dies under it: the engine does not close the exec's
// stream then (plain `docker exec` hangs too), so each long-running command watches both
// and ends with one line and its documented code: 3 when the target exited, 1 when the
// toolkit session ended (remora detach, docker stop of the toolkit).
import { readdirSync, readFileSync } from 'node:fs';
import pty from '@lydell/node-pty';
import { execa } from 'execa';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import {
  REMORA_BIN,
  remora,
  remoraProcess,
  startTarget,
  testEngine,
  toolkitsOf,
  type RunningTarget,
  runLabels,
} from '../support/fixtures.js';
import { waitFor } from '../support/wait-for.js';

let engine: DockerEngine;
let target: RunningTarget;

beforeAll(() => {
  engine = testEngine();
});

afterEach(async () => {
  await target?.[Symbol.asyncDispose]();
});

afterAll(() => engine?.dispose());

/** The running toolkit of the target, once a command in it shows `needle` in docker top. */
async function toolkitRunning(needle: string): Promise<string> {
  return waitFor(
    async () => {
      const [toolkit] = (await toolkitsOf(engine, target.id)).filter((t) => t.state === 'running');
      if (!toolkit) return undefined;
      const top = await execa('docker', ['top', toolkit.id], { reject: false });
      return top.stdout.includes(needle) ? toolkit.id : undefined;
    },
    { what: `${needle} running in the toolkit` },
  );
}

const exited = (name: string): string => `remora: target ${name} exited (code 137)\nhint: docker logs ${name} may say why\n`;
const ended = (name: string): string =>
  `remora: the toolkit session of ${name} ended (detached or stopped) while the command ran\nhint: run the command again: it starts a new session\n`;

/** Bounds every command: a hang fails the test instead of running on. */
const BOUND = { timeout: 60_000 };

describe('a command whose namespace dies', () => {
  it('exec ends with exit 3 when the target is killed', async () => {
    target = await startTarget(engine, 'scratch');
    const exec = remoraProcess(['exec', target.name, '--', 'sleep', '300'], { reject: false, stdin: 'ignore', ...BOUND });
    await toolkitRunning('sleep 300');
    await execa('docker', ['kill', target.id]);
    const result = await exec;
    expect({ exitCode: result.exitCode, stderr: result.stderr + '\n' }).toEqual({ exitCode: 3, stderr: exited(target.name) });
  });

  it('a one-shot exec --rm ends with exit 3 when the target is killed, and leaves no toolkit', async () => {
    target = await startTarget(engine, 'scratch');
    const exec = remoraProcess(['exec', '--rm', target.name, '--', 'sleep', '300'], { reject: false, stdin: 'ignore', ...BOUND });
    await toolkitRunning('sleep 300');
    await execa('docker', ['kill', target.id]);
    const result = await exec;
    expect({ exitCode: result.exitCode, stderr: result.stderr + '\n' }).toEqual({ exitCode: 3, stderr: exited(target.name) });
    expect(await toolkitsOf(engine, target.id)).toEqual([]);
  });

  it('exec ends with exit 1 after remora detach, and after docker stop of the toolkit', async () => {
    target = await startTarget(engine, 'scratch');
    const first = remoraProcess(['exec', target.name, '--', 'sleep', '300'], { reject: false, stdin: 'ignore', ...BOUND });
    await toolkitRunning('sleep 300');
    expect((await remora(['detach', target.name])).exitCode).toBe(0);
    const detached = await first;
    expect({ exitCode: detached.exitCode, stderr: detached.stderr + '\n' }).toEqual({ exitCode: 1, stderr: ended(target.name) });

    const second = remoraProcess(['exec', target.name, '--', 'sleep', '301'], { reject: false, stdin: 'ignore', ...BOUND });
    const toolkit = await toolkitRunning('sleep 301');
    await execa('docker', ['stop', '-t', '1', toolkit]);
    const stopped = await second;
    expect({ exitCode: stopped.exitCode, stderr: stopped.stderr + '\n' }).toEqual({ exitCode: 1, stderr: ended(target.name) });
  });

  it('strace ends with exit 3 when the target is killed', async () => {
    target = await startTarget(engine, 'scratch');
    const trace = remoraProcess(['strace', target.name], { reject: false, stdin: 'ignore', ...BOUND });
    let stderr = '';
    trace.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(() => stderr.includes('strace: Process 1 attached'), { what: 'strace attached' });
    await execa('docker', ['kill', target.id]);
    const result = await trace;
    expect(result.exitCode).toBe(3);
    expect(stderr.endsWith(exited(target.name))).toBe(true);
  });

  it('strace ends with exit 1 when its toolkit is stopped', async () => {
    target = await startTarget(engine, 'scratch');
    const trace = remoraProcess(['strace', target.name], { reject: false, stdin: 'ignore', ...BOUND });
    let stderr = '';
    trace.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(() => stderr.includes('strace: Process 1 attached'), { what: 'strace attached' });
    const toolkit = await toolkitRunning('strace');
    await execa('docker', ['stop', '-t', '1', toolkit]);
    const result = await trace;
    expect(result.exitCode).toBe(1);
    expect(stderr.endsWith(ended(target.name))).toBe(true);
    // The target was only traced, never harmed.
    expect((await engine.inspectContainer(target.id)).state.running).toBe(true);
  });

  it('ps ends with exit 1 when its toolkit is stopped during the listing', async () => {
    target = await startTarget(engine, 'scratch');
    await remora(['exec', target.name, '--', 'true']);
    const [toolkit] = await toolkitsOf(engine, target.id);
    const existing = new Set(readdirSync('/proc'));
    // --interval: a listing that samples for a while, so it can be caught running.
    const ps = remoraProcess(['ps', '--interval', '5s', target.name], { reject: false, stdin: 'ignore', ...BOUND });
    await stopProcessOf(toolkit!.id, 'remora-ps', existing);
    await execa('docker', ['stop', '-t', '1', toolkit!.id]);
    const result = await ps;
    expect({ exitCode: result.exitCode, stderr: result.stderr + '\n' }).toEqual({ exitCode: 1, stderr: ended(target.name) });
  });

  for (const [how, code, line] of [
    ['remora detach', 1, (name: string) => `remora: the toolkit session of ${name} ended`],
    ['a kill of the target', 3, (name: string) => `remora: target ${name} exited (code 137)`],
  ] as const) {
    it(`shell ends with exit ${code} after ${how}, and gives the terminal back`, async () => {
      target = await startTarget(engine, 'scratch');
      // A shell around remora reads the terminal's mode once remora is gone.
      const term = pty.spawn('sh', ['-c', `"$0" shell "$1"; echo "remora-exit=$?"; stty -a`, REMORA_BIN, target.name], {
        name: 'xterm-256color',
        cols: 100,
        rows: 30,
        env: { ...process.env, TERM: 'xterm-256color', REMORA_LABELS: runLabels() } as Record<string, string>,
      });
      let output = '';
      term.onData((data) => (output += data));
      const done = new Promise<void>((resolve) => term.onExit(() => resolve()));
      try {
        await waitFor(() => output.includes(`${target.name}`) && /[#$] $/.test(output.trimEnd() + ' '), { what: 'the shell prompt' });
        await toolkitRunning('bash');
        if (code === 1) expect((await remora(['detach', target.name])).exitCode).toBe(0);
        else await execa('docker', ['kill', target.id]);
        await waitFor(() => output.includes('remora-exit='), { what: 'remora shell to end', timeoutMs: 60_000 });
        await done;
        expect(output).toContain(line(target.name));
        expect(output).toContain(`remora-exit=${code}`);
        // Raw mode off again: the line discipline echoes and edits lines.
        expect(output).toMatch(/(^|\s)icanon(\s|$)/m);
        expect(output).toMatch(/(^|\s)echo(\s|$)/m);
      } finally {
        term.kill();
      }
    });
  }

  it('ps says the target exited when it dies during the listing', async () => {
    target = await startTarget(engine, 'scratch');
    await remora(['exec', target.name, '--', 'true']);
    const [toolkit] = await toolkitsOf(engine, target.id);
    const existing = new Set(readdirSync('/proc'));
    // --interval: a listing that samples for a while, so it can be caught running.
    const ps = remoraProcess(['ps', '--interval', '5s', target.name], { reject: false, stdin: 'ignore', ...BOUND });
    // Held mid-listing (SIGSTOP from the host, where the engine runs), so the kill lands
    // while the listing runs, every time.
    await stopProcessOf(toolkit!.id, 'remora-ps', existing);
    await execa('docker', ['kill', target.id]);
    const result = await ps;
    expect({ exitCode: result.exitCode, stderr: result.stderr + '\n' }).toEqual({ exitCode: 3, stderr: exited(target.name) });
  });
});

/** Stops (SIGSTOP) the process named `comm` of the container, as soon as it runs. */
async function stopProcessOf(containerId: string, comm: string, existing: ReadonlySet<string>): Promise<void> {
  await waitFor(
    () => {
      // Only processes born since `existing` was taken: a pass must be quicker than the listing.
      for (const pid of readdirSync('/proc')) {
        if (existing.has(pid) || !/^\d+$/.test(pid)) continue;
        if (readOr(`/proc/${pid}/comm`).trim() !== comm || !readOr(`/proc/${pid}/cgroup`).includes(containerId)) continue;
        process.kill(Number(pid), 'SIGSTOP');
        return true;
      }
      return undefined;
    },
    { intervalMs: 1, what: `${comm} running in ${containerId.slice(0, 12)}` },
  );
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
