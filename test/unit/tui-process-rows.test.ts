// The Processes table: remora ps's sort, tree and filter, as rows of cells.
import { describe, expect, it } from 'vitest';
import type { ListedProcess } from '../../src/core/process-table.js';
import { processTableRows } from '../../src/tui/process-rows.js';
import { fakeProcess } from '../support/fake-data-source.js';

function proc(pid: number, ppid: number, command: string, extra: Partial<ListedProcess> = {}): ListedProcess {
  return fakeProcess(pid, ppid, command, { rssKiB: 1000, elapsedSeconds: 65, ...extra });
}

const processes = [
  proc(1, 0, '/app --serve'),
  proc(7, 1, '/app worker', { cpu: 55.5, rssKiB: 20_480 }),
  proc(8, 1, '/app worker', { cpu: 3.2, rssKiB: 512 }),
  proc(9, 7, '/bin/日本語-tool', { user: 'nonroot', uid: 65532, state: 'R', rssKiB: 4096 }),
  proc(12, 1, '', { comm: 'defunct', state: 'Z' }),
];
const cells = (rows: ReturnType<typeof processTableRows>, column: number) =>
  rows.map((r) => r.cells[column]).map((c) => (typeof c === 'string' ? c : c?.text));

describe('process rows', () => {
  it('sorts by cpu (largest first) with ties by pid, as remora ps does', () => {
    const rows = processTableRows(processes, { sort: 'cpu', inverted: false, tree: false, filter: '' });
    expect(rows.map((r) => r.key)).toEqual(['7', '8', '1', '9', '12']);
    expect(cells(rows, 3)).toEqual(['55.5', '3.2', '0.0', '0.0', '0.0']);
    expect(cells(rows, 4)).toEqual(['20.0M', '512K', '1000K', '4.0M', '1000K']);
    expect(cells(rows, 6)).toEqual(['1m05s', '1m05s', '1m05s', '1m05s', '1m05s']);
  });

  it('sorts by memory, pid and name, and inverts', () => {
    expect(processTableRows(processes, { sort: 'rss', inverted: false, tree: false, filter: '' }).map((r) => r.key)).toEqual([
      '7',
      '9',
      '1',
      '12',
      '8',
    ]);
    expect(processTableRows(processes, { sort: 'pid', inverted: true, tree: false, filter: '' }).map((r) => r.key)).toEqual([
      '12',
      '9',
      '8',
      '7',
      '1',
    ]);
    expect(processTableRows(processes, { sort: 'name', inverted: false, tree: false, filter: '' }).map((r) => r.key)[0]).toBe('1');
  });

  it('draws the tree with each level in sort order', () => {
    const rows = processTableRows(processes, { sort: 'cpu', inverted: false, tree: true, filter: '' });
    expect(cells(rows, 7)).toEqual([
      '/app --serve',
      '├─ /app worker',
      '│  └─ /bin/日本語-tool',
      '├─ /app worker',
      '└─ [defunct] <defunct>',
    ]);
  });

  it('filters on pid, user and command, keeping the tree prefix of what it keeps', () => {
    expect(processTableRows(processes, { sort: 'pid', inverted: false, tree: false, filter: 'nonroot' }).map((r) => r.key)).toEqual(['9']);
    expect(processTableRows(processes, { sort: 'pid', inverted: false, tree: false, filter: 'WORKER' }).map((r) => r.key)).toEqual([
      '7',
      '8',
    ]);
    expect(cells(processTableRows(processes, { sort: 'cpu', inverted: false, tree: true, filter: '日本' }), 7)).toEqual([
      '│  └─ /bin/日本語-tool',
    ]);
  });

  it('marks zombies dim and running processes in the state column', () => {
    const rows = processTableRows(processes, { sort: 'pid', inverted: false, tree: false, filter: '' });
    expect(rows.find((r) => r.key === '12')?.style).toBe('dim');
    expect(rows.find((r) => r.key === '9')?.cells[2]).toEqual({ text: 'R', style: 'good' });
  });

  it('shows %CPU as not measured yet on a first listing, in pid order', () => {
    const first = processes.map((p) => ({ ...p, cpu: Number.NaN }));
    const rows = processTableRows(first, { sort: 'cpu', inverted: false, tree: false, filter: '' });
    expect(rows.map((r) => r.key)).toEqual(['1', '7', '8', '9', '12']);
    expect(cells(rows, 3)).toEqual(['…', '…', '…', '…', '…']);
  });
});
