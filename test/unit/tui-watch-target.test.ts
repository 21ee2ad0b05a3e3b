// Watching the target while attached: engine events become state changes, and a lost
// engine is reported, retried, and caught up on when it answers again.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RemoraError } from '../../src/core/errors.js';
import type { ContainerDetails, Engine } from '../../src/engine/types.js';
import { stateOfEvent, watchTarget, type TargetStateEvent } from '../../src/ops/watch-target.js';
import { waitFor } from '../support/wait-for.js';

function details(state: Partial<ContainerDetails['state']>): ContainerDetails {
  return {
    id: 'abc',
    name: 'app',
    image: 'app:1',
    imageId: 'sha256:1',
    state: {
      status: 'running',
      running: true,
      paused: false,
      restarting: false,
      exitCode: 0,
      startedAt: '',
      finishedAt: '',
      pid: 42,
      ...state,
    },
    user: '',
    labels: {},
    pidMode: '',
    readonlyRootfs: false,
    restartCount: 0,
    mounts: [],
    tmpfs: {},
    config: { entrypoint: ['/app'], cmd: [], env: [], user: '', workingDir: '' },
    networkMode: 'default',
  };
}

describe('watch target', () => {
  it('reads engine events as states', () => {
    expect(stateOfEvent({ Action: 'die', Actor: { Attributes: { exitCode: '137' } } })).toEqual({
      kind: 'state',
      state: 'stopped',
      exitCode: 137,
    });
    expect(stateOfEvent({ Action: 'pause' })).toEqual({ kind: 'state', state: 'paused' });
    expect(stateOfEvent({ status: 'unpause' })).toEqual({ kind: 'state', state: 'running' });
    expect(stateOfEvent({ Action: 'exec_start: sh -c true' })).toBeUndefined();
    expect(stateOfEvent({ Action: 'kill' })).toBeUndefined();
  });

  it('reports a lost engine, retries, says when it is back and catches up on the state', async () => {
    const streams: PassThrough[] = [];
    let attempts = 0;
    const engine = {
      async events() {
        attempts++;
        if (attempts === 2) throw new RemoraError('ENGINE_UNREACHABLE', 'cannot reach the container engine');
        const stream = new PassThrough();
        streams.push(stream);
        return { stream, close: () => stream.destroy() };
      },
      async inspectContainer() {
        return details({ running: false, status: 'exited', exitCode: 3 });
      },
    } as unknown as Engine;
    const seen: TargetStateEvent[] = [];
    const watch = watchTarget(engine, 'abc', (event) => seen.push(event));
    try {
      await waitFor(() => streams.length === 1);
      streams[0]!.write(`${JSON.stringify({ Type: 'container', Action: 'pause' })}\n`);
      await waitFor(() => seen.length === 1);
      expect(seen).toEqual([{ kind: 'state', state: 'paused' }]);
      // The engine goes away: the stream ends, the next connection fails, the one after works.
      streams[0]!.end();
      await waitFor(() => streams.length === 2, { timeoutMs: 10_000 });
      await waitFor(() => seen.length === 4);
      expect(seen.slice(1)).toEqual([
        { kind: 'engine', reachable: false, message: 'the event stream ended' },
        { kind: 'engine', reachable: true },
        { kind: 'state', state: 'stopped', exitCode: 3 },
      ]);
      expect(attempts).toBe(3);
    } finally {
      watch.stop();
    }
  });
});
