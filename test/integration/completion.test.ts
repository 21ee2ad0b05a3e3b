// Completion in a real bash: the script remora prints is sourced, and its function is run
// as bash runs it on Tab (COMP_WORDS, COMP_CWORD, COMP_LINE, COMP_POINT), against the engine.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { REMORA_BIN, remora, startTarget, testEngine, toolkitsOf, type RunningTarget, runLabels } from '../support/fixtures.js';

let engine: DockerEngine;
let target: RunningTarget;

beforeAll(async () => {
  engine = testEngine();
  target = await startTarget(engine, 'scratch', { name: `remora-t-complete-${Date.now().toString(36)}` });
});

afterAll(async () => {
  await target?.[Symbol.asyncDispose]();
  engine?.dispose();
});

/** Presses Tab after `words` (the last one being completed) in a bash that sourced the script. */
async function tab(words: string[], env: Record<string, string> = {}): Promise<{ replies: string[]; registered: string; stderr: string }> {
  const script = [
    'source <("$REMORA" completion bash)',
    'complete -p remora',
    'COMP_WORDS=("$REMORA" "$@")',
    'COMP_CWORD=$#',
    'COMP_LINE="${COMP_WORDS[*]}"',
    'COMP_POINT=${#COMP_LINE}',
    '_remora_complete',
    'printf "reply:%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const result = await execa('bash', ['-c', script, 'bash', ...words], {
    env: { REMORA: REMORA_BIN, REMORA_LABELS: runLabels(), ...env },
    reject: false,
  });
  const lines = result.stdout.split('\n');
  return {
    registered: lines[0] ?? '',
    replies: lines.filter((l) => l.startsWith('reply:') && l !== 'reply:').map((l) => l.slice('reply:'.length)),
    stderr: result.stderr,
  };
}

describe('bash completion', () => {
  it("completes a running target's name from the engine", async () => {
    const prefix = target.name.slice(0, -3);
    const result = await tab(['exec', prefix]);
    expect(result.registered).toBe('complete -F _remora_complete remora');
    expect(result.replies).toEqual([target.name]);
    expect(result.stderr).toBe('');
  });

  it('offers no compose service name that holds a control character (a newline would be a second candidate)', async () => {
    const suffix = Date.now().toString(36);
    await using hostile = await startTarget(engine, 'scratch', {
      name: `remora-t-svc-${suffix}`,
      labels: { 'com.docker.compose.service': `svc\nremora-injected-${suffix}`, 'com.docker.compose.project': 'proj' },
    });
    // The name itself is offered; the label's newline would make `remora-injected` a reply of its own.
    expect((await tab(['exec', `remora-t-svc-${suffix}`])).replies).toEqual([hostile.name]);
    expect((await tab(['exec', 'proj/sv'])).replies.filter((r) => r.includes(suffix))).toEqual([]);
  });

  it('completes cp sources to TARGET: and options to their values', async () => {
    expect((await tab(['cp', target.name.slice(0, -2)])).replies).toEqual([`${target.name}:`]);
    expect((await tab(['ps', target.name, '--sort', 'r'])).replies).toEqual(['rss']);
    expect((await tab(['str'])).replies).toEqual(['strace']);
  });

  it('completes a path in the target through its running session, never starting one', async () => {
    expect((await tab(['cp', `${target.name}:/da`])).replies).toEqual([]);
    expect(await toolkitsOf(engine, target.id)).toHaveLength(0);
    expect((await remora(['exec', target.name, '--', 'true'])).exitCode).toBe(0);
    // bash broke the word at the colon: the replies are what follows it.
    expect((await tab(['cp', `${target.name}:/da`])).replies).toEqual(['/data/']);
    expect((await tab(['cp', `${target.name}:/`])).replies).toEqual(expect.arrayContaining(['/app', '/data/', '/etc/']));
  });

  it('offers no path of the target whose name holds a newline, nor a piece of one', async () => {
    const made = await remora(['exec', target.name, '--', 'sh', '-c', 'cd /target/tmp && : > "$(printf "new\\nline")" && : > newer']);
    expect(made.exitCode).toBe(0);
    expect((await tab(['cp', `${target.name}:/tmp/new`])).replies).toEqual(['/tmp/newer']);
  });

  it('offers nothing, and says nothing, when the engine cannot be reached', async () => {
    const result = await tab(['exec', target.name.slice(0, -3)], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(result).toMatchObject({ replies: [], stderr: '' });
  });
});
