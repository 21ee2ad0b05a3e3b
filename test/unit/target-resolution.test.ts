import { describe, expect, it } from 'vitest';
import { RemoraError } from '../../src/core/errors.js';
import { closestNames, resolveTarget, type TargetCandidate } from '../../src/core/target-resolution.js';

const container = (over: Partial<TargetCandidate> & { id: string; name: string }): TargetCandidate => ({
  image: 'app:1',
  state: 'running',
  status: 'Up 5 minutes',
  labels: {},
  ...over,
});

const ID_A = 'a1b2c3d4e5f6' + '0'.repeat(52);
const ID_B = 'a1b2ffffffff' + '1'.repeat(52);
const ID_C = 'c0ffee000000' + '2'.repeat(52);

const listing: TargetCandidate[] = [
  container({ id: ID_A, name: 'web' }),
  container({ id: ID_B, name: 'worker', labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'worker' } }),
  container({ id: ID_C, name: 'db', state: 'exited', status: 'Exited (137) 2 hours ago' }),
  container({ id: 'd'.repeat(64), name: 'remora-web-1234', labels: { 'remora.role': 'toolkit' } }),
];

function failure(fn: () => unknown): RemoraError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RemoraError) return error;
    throw error;
  }
  throw new Error('expected a RemoraError');
}

describe('resolveTarget', () => {
  it('finds by name, full ID, unique ID prefix and compose service', () => {
    expect(resolveTarget('web', listing).id).toBe(ID_A);
    expect(resolveTarget('/web', listing).id).toBe(ID_A);
    expect(resolveTarget(ID_B, listing).name).toBe('worker');
    expect(resolveTarget('a1b2c', listing).name).toBe('web');
    expect(resolveTarget('shop/worker', listing).id).toBe(ID_B);
  });

  it('prefers an exact name over an ID prefix', () => {
    const tricky = [...listing, container({ id: 'bead' + '3'.repeat(60), name: 'a1b2' })];
    expect(resolveTarget('a1b2', tricky).name).toBe('a1b2');
  });

  it('lists every candidate when an ID prefix is ambiguous', () => {
    const error = failure(() => resolveTarget('a1b2', listing));
    expect(error.code).toBe('TARGET_AMBIGUOUS');
    expect(error.message).toBe('"a1b2" matches 2 containers by ID prefix');
    expect(error.details).toEqual(['a1b2c3d4e5f6  web  app:1  Up 5 minutes', 'a1b2ffffffff  worker  app:1  Up 5 minutes']);
  });

  it('prefers the one running replica of a compose service, else calls it ambiguous', () => {
    const replicas = [
      container({ id: '1'.repeat(64), name: 'shop-api-1', labels: { 'com.docker.compose.service': 'api' } }),
      container({
        id: '2'.repeat(64),
        name: 'shop-api-2',
        state: 'exited',
        status: 'Exited (0) 1 minute ago',
        labels: { 'com.docker.compose.service': 'api' },
      }),
    ];
    expect(resolveTarget('api', replicas).name).toBe('shop-api-1');
    const both = replicas.map((r) => ({ ...r, state: 'running' }));
    expect(failure(() => resolveTarget('api', both)).code).toBe('TARGET_AMBIGUOUS');
  });

  it('never resolves to a toolkit container', () => {
    expect(failure(() => resolveTarget('remora-web-1234', listing)).code).toBe('TARGET_NOT_FOUND');
  });

  it('suggests the closest running names when nothing matches', () => {
    const error = failure(() => resolveTarget('wbe', listing));
    expect(error.code).toBe('TARGET_NOT_FOUND');
    expect(error.message).toBe('no container named "wbe"');
    expect(error.hint).toBe('did you mean "web"? (remora targets lists them)');
  });

  it('explains a stopped target with its exit status and what to do', () => {
    const error = failure(() => resolveTarget('db', listing));
    expect(error.code).toBe('TARGET_NOT_RUNNING');
    expect(error.message).toBe('db is not running (Exited (137) 2 hours ago)');
    expect(error.hint).toContain('docker start db');
    expect(resolveTarget('db', listing, { allowStopped: true }).id).toBe(ID_C);
  });

  it('calls a restarting target a crash loop and a created one never started', () => {
    const restarting = [container({ id: ID_A, name: 'web', state: 'restarting', status: 'Restarting (1) 3 seconds ago' })];
    expect(failure(() => resolveTarget('web', restarting)).message).toBe('web is restarting (crash loop: Restarting (1) 3 seconds ago)');
    const created = [container({ id: ID_A, name: 'web', state: 'created', status: 'Created' })];
    expect(failure(() => resolveTarget('web', created)).message).toBe('web was created but never started');
  });

  it('accepts a paused target (files and processes stay inspectable)', () => {
    const paused = [container({ id: ID_A, name: 'web', state: 'paused', status: 'Up 1 hour (Paused)' })];
    expect(resolveTarget('web', paused).id).toBe(ID_A);
  });
});

describe('closestNames', () => {
  it('ranks substrings first, then small edit distances', () => {
    expect(closestNames('api', ['shop-api-1', 'apx', 'database'], 3)).toEqual(['shop-api-1', 'apx']);
  });
});
