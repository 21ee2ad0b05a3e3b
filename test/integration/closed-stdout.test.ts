// `remora … | head`: a reader that goes away ends every command quietly, with 141
// (128 + SIGPIPE, what a shell reports for a command cut short), and stops what the
// command ran in the toolkit. (strace's case is in strace.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remora, remoraProcess, startTarget, testEngine, toolkitsOf, type RunningTarget } from '../support/fixtures.js';
import { waitFor } from '../support/wait-for.js';

let engine: DockerEngine;
let app: RunningTarget;

beforeAll(async () => {
  engine = testEngine();
  app = await startTarget(engine, 'scratch');
  // The session exists first, so each test measures only its command.
  expect((await remora(['exec', app.name, '--', 'true'])).exitCode).toBe(0);
});

afterAll(async () => {
  await app?.[Symbol.asyncDispose]();
  engine?.dispose();
});

/** Runs remora with a stdout whose reader is gone before (or just after) the first byte. */
async function withClosedStdout(args: string[], afterFirstByte = false): Promise<{ exitCode: number; stderr: string }> {
  const child = remoraProcess(args, { reject: false, buffer: false, stdin: 'ignore' });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  if (afterFirstByte) child.stdout?.once('data', () => child.stdout?.destroy());
  else child.stdout?.destroy();
  const result = await child;
  return { exitCode: result.exitCode ?? -1, stderr };
}

const NO_TRACE = /EPIPE|Error|\n\s+at /;

describe('a closed stdout', () => {
  for (const args of [['ps'], ['ps', '--json'], ['net'], ['proc', '1']]) {
    it(`ends remora ${args.join(' ')} quietly with 141`, async () => {
      const result = await withClosedStdout([args[0]!, app.name, ...args.slice(1)]);
      expect(result).toEqual({ exitCode: 141, stderr: '' });
    });
  }

  for (const args of [['--help'], ['exec', '--help'], ['--version'], ['__complete', 'bash', 'remora ex']]) {
    it(`ends remora ${args.join(' ')} (no action: commander's own output) quietly with 141`, async () => {
      expect(await withClosedStdout(args)).toEqual({ exitCode: 141, stderr: '' });
    });
  }

  it('ends remora targets quietly with 141', async () => {
    expect(await withClosedStdout(['targets'])).toEqual({ exitCode: 141, stderr: '' });
  });

  it('stops the remote command of remora exec (yes | head -c1) and leaves no yes running', async () => {
    const result = await withClosedStdout(['exec', app.name, '--', 'yes'], true);
    expect(result.exitCode).toBe(141);
    expect(result.stderr).not.toMatch(NO_TRACE);
    await waitFor(async () => (await remora(['exec', app.name, '--', 'pgrep', '-x', 'yes'])).exitCode === 1, {
      timeoutMs: 10_000,
      what: 'no yes left in the toolkit',
    });
  });

  it('stops a one-shot exec --rm (yes | head -c1) with 141 and leaves no toolkit', async () => {
    const before = new Set((await toolkitsOf(engine, app.id)).map((t) => t.id));
    const result = await withClosedStdout(['exec', '--rm', app.name, '--', 'yes'], true);
    expect(result.exitCode).toBe(141);
    expect(result.stderr).not.toMatch(NO_TRACE);
    // As with docker run --rm, the toolkit is gone before remora returns.
    expect((await toolkitsOf(engine, app.id)).filter((t) => !before.has(t.id))).toEqual([]);
  });

  it('ends a tar stream to stdout (cp T:/ -) quietly with 141', async () => {
    const result = await withClosedStdout(['cp', `${app.name}:/app`, '-'], true);
    expect(result.exitCode).toBe(141);
    expect(result.stderr).not.toMatch(NO_TRACE);
  });
});
