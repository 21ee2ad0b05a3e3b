import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/core/bytes.js';
import { formatElapsed } from '../../src/core/duration.js';
import {
  buildProcessTree,
  processTreeJson,
  commandLineOf,
  filterProcesses,
  formatProcessRow,
  processJson,
  processSubtree,
  sortProcesses,
  type ListedProcess,
} from '../../src/core/process-table.js';
import { fakeProcess } from '../support/fake-data-source.js';

/** A /app process with round numbers: 1000 KiB, started 10 ticks per pid apart, 60 s old. */
function proc(pid: number, ppid: number, extra: Partial<ListedProcess> = {}): ListedProcess {
  return fakeProcess(pid, ppid, '/app', {
    rssKiB: 1000,
    startTicks: pid * 10,
    startedAt: '2026-01-01T00:00:00.000Z',
    elapsedSeconds: 60,
    ...extra,
  });
}

describe('sortProcesses', () => {
  it('puts the busiest first for cpu and rss, and breaks ties by pid so rows do not jump', () => {
    const list = [proc(5, 1, { cpu: 10 }), proc(3, 1, { cpu: 50 }), proc(9, 1, { cpu: 10 }), proc(1, 0, { cpu: 0 })];
    expect(sortProcesses(list, 'cpu').map((p) => p.pid)).toEqual([3, 5, 9, 1]);
    expect(sortProcesses(list, 'cpu', true).map((p) => p.pid)).toEqual([1, 5, 9, 3]);
    const mem = [proc(2, 1, { rssKiB: 5 }), proc(4, 1, { rssKiB: 500 }), proc(3, 1, { rssKiB: 5 })];
    expect(sortProcesses(mem, 'rss').map((p) => p.pid)).toEqual([4, 2, 3]);
  });

  it('sorts by name (argv[0] basename), start time and pid ascending', () => {
    const list = [
      proc(7, 1, { command: ['/usr/bin/zsh'] }),
      proc(4, 1, { command: ['nginx: worker'] }),
      proc(2, 1, { command: [], comm: 'kworker' }),
    ];
    expect(sortProcesses(list, 'name').map((p) => p.pid)).toEqual([2, 4, 7]);
    expect(sortProcesses(list, 'started').map((p) => p.pid)).toEqual([2, 4, 7]);
    expect(sortProcesses([proc(9, 1), proc(1, 0)], 'pid').map((p) => p.pid)).toEqual([1, 9]);
  });

  it('does not touch its input', () => {
    const list = [proc(2, 1), proc(1, 0)];
    sortProcesses(list, 'pid');
    expect(list.map((p) => p.pid)).toEqual([2, 1]);
  });
});

describe('buildProcessTree', () => {
  it('draws children under parents, siblings in the given order', () => {
    const rows = buildProcessTree([proc(1, 0), proc(7, 1), proc(8, 7), proc(9, 7), proc(10, 1), proc(20, 0, { toolkit: true })]);
    expect(rows.map((r) => `${r.prefix}${r.process.pid}`)).toEqual(['1', '├─ 7', '│  ├─ 8', '│  └─ 9', '└─ 10', '20']);
    expect(rows.map((r) => r.depth)).toEqual([0, 1, 2, 2, 1, 0]);
  });

  it('makes a root of a process whose parent is not listed, and survives a cycle', () => {
    const rows = buildProcessTree([proc(5, 4), proc(4, 5), proc(6, 99)]);
    expect(rows.map((r) => r.process.pid).sort()).toEqual([4, 5, 6]);
    expect(rows.find((r) => r.process.pid === 6)?.depth).toBe(0);
  });

  it('handles a chain deeper than the call stack would allow', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => proc(i + 1, i));
    const rows = buildProcessTree(chain);
    expect(rows).toHaveLength(20_000);
    expect(rows.at(-1)?.depth).toBe(19_999);
  });
});

describe('processTreeJson', () => {
  it('nests each process under its parent, siblings in the listing order, orphans as roots', () => {
    const tree = processTreeJson(buildProcessTree([proc(1, 0), proc(7, 1), proc(8, 7), proc(9, 7), proc(10, 1), proc(30, 99)]));
    const shape = (nodes: ReturnType<typeof processTreeJson>): unknown[] => nodes.map((n) => [n.pid, shape(n.children)]);
    expect(shape(tree)).toEqual([
      [
        1,
        [
          [
            7,
            [
              [8, []],
              [9, []],
            ],
          ],
          [10, []],
        ],
      ],
      [30, []],
    ]);
    expect(tree[0]).toMatchObject({ pid: 1, ppid: 0, command: expect.any(String) });
  });
});

describe('row formatting', () => {
  it('gives the cells in column order, marking toolkit processes', () => {
    expect(formatProcessRow(proc(1, 0, { cpu: 12.345, rssKiB: 2048, elapsedSeconds: 3725 }))).toEqual([
      '1',
      '0',
      'root',
      'S',
      '12.3',
      '2.0M',
      '1',
      '1h02m',
      '/app',
    ]);
    expect(formatProcessRow(proc(3, 0, { toolkit: true, user: undefined, uid: 4242 }), { prefix: '└─ ' })).toEqual([
      '3',
      '0',
      '4242',
      'S',
      '0.0',
      '1000K',
      '1',
      '1m00s',
      '└─ [toolkit] /app',
    ]);
  });

  it('writes kernel threads and zombies as ps does, and never lets argv break a line', () => {
    expect(commandLineOf(proc(2, 0, { command: [], comm: 'kthreadd' }))).toBe('[kthreadd]');
    expect(commandLineOf(proc(9, 1, { command: [], comm: 'sleep', state: 'Z' }))).toBe('[sleep] <defunct>');
    expect(commandLineOf(proc(8, 1, { command: ['sh', '-c', 'a\nb'] }))).toBe('sh -c a b');
  });

  it('formats sizes and ages compactly', () => {
    expect([512, 1536, 150 * 1024, 3 * 1024 * 1024].map((kib) => formatBytes(kib * 1024, 'column'))).toEqual([
      '512K',
      '1.5M',
      '150M',
      '3.0G',
    ]);
    expect([formatElapsed(45), formatElapsed(723), formatElapsed(11_040), formatElapsed(439_200)]).toEqual([
      '45s',
      '12m03s',
      '3h04m',
      '5d02h',
    ]);
  });

  it('filters on pid, user and command line', () => {
    const list = [proc(1, 0, { command: ['/app', '--port=8080'] }), proc(12, 1, { user: 'nonroot', command: ['worker'] })];
    expect(filterProcesses(list, '8080').map((p) => p.pid)).toEqual([1]);
    expect(filterProcesses(list, 'NONROOT').map((p) => p.pid)).toEqual([12]);
    expect(filterProcesses(list, '12').map((p) => p.pid)).toEqual([12]);
    expect(filterProcesses(list, ' ')).toHaveLength(2);
  });
});

describe('processJson', () => {
  it('has exactly the documented keys; toolkit only when asked', () => {
    const json = processJson(proc(1, 0, { command: ['/app', 'a b'], cpu: 3.14159, user: undefined, uid: 65532 }));
    expect(Object.keys(json)).toEqual(['pid', 'ppid', 'user', 'uid', 'state', 'cpu', 'rssKiB', 'threads', 'startedAt', 'command']);
    expect(json).toMatchObject({ user: '65532', uid: 65532, cpu: 3.1, command: '/app a b' });
    expect(processJson(proc(1, 0), true)).toHaveProperty('toolkit', false);
  });
});

describe('processSubtree', () => {
  it('keeps the root and its descendants, in the order given', () => {
    // 1 (another container's main) with child 7; 8 (the target) with 13 and grandchild 20.
    const all = [proc(1, 0), proc(7, 1), proc(8, 0), proc(13, 8), proc(20, 13), proc(30, 0)];
    expect(processSubtree(all, 8).map((p) => p.pid)).toEqual([8, 13, 20]);
    expect(processSubtree(all, 1).map((p) => p.pid)).toEqual([1, 7]);
  });

  it('is empty when the root is gone, and survives a cycle', () => {
    expect(processSubtree([proc(2, 1), proc(3, 2)], 1)).toEqual([]);
    expect(processSubtree([proc(4, 5), proc(5, 4)], 4).map((p) => p.pid)).toEqual([4, 5]);
  });
});
