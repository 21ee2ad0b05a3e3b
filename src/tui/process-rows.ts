// The Processes table: `remora ps`'s own sorting, tree, filter and cell formats
// (core/process-table.ts), laid out as table rows for the TUI.
import {
  buildProcessTree,
  commandLineOf,
  filterProcesses,
  formatCpu,
  sortProcesses,
  userOf,
  type ListedProcess,
  type ProcessSortKey,
} from '../core/process-table.js';
import { formatBytes } from '../core/bytes.js';
import { formatElapsed } from '../core/duration.js';
import type { Column, Row } from './table.js';

export type ProcessSort = Extract<ProcessSortKey, 'cpu' | 'rss' | 'pid' | 'name'>;

export interface ProcessTableOptions {
  sort: ProcessSort;
  /** Reverses ps's natural order (largest first for cpu and rss, ascending otherwise). */
  inverted: boolean;
  tree: boolean;
  filter: string;
}

export const PROCESS_COLUMNS: Column[] = [
  { header: 'PID', width: 7, align: 'right' },
  { header: 'USER', width: 9 },
  { header: 'S', width: 1 },
  { header: '%CPU', width: 5, align: 'right' },
  { header: 'RSS', width: 6, align: 'right' },
  { header: 'THR', width: 3, align: 'right' },
  { header: 'ELAPSED', width: 7, align: 'right' },
  { header: 'COMMAND', minWidth: 12 },
];

/** The rows the table shows, in order: sorted, as a tree if asked, filtered. */
export function processTableRows(processes: readonly ListedProcess[], options: ProcessTableOptions): Row[] {
  const sorted = sortProcesses(processes, options.sort, options.inverted);
  // Sorting first sorts each level of the tree, as `remora ps --tree --sort` does.
  const lines = options.tree ? buildProcessTree(sorted) : sorted.map((process) => ({ process, prefix: '' }));
  const kept = new Set(filterProcesses(processes, options.filter).map((p) => p.pid));
  return lines
    .filter((line) => kept.has(line.process.pid))
    .map(({ process: p, prefix }) => ({
      key: String(p.pid),
      style: p.state === 'Z' ? 'dim' : undefined,
      cells: [
        String(p.pid),
        userOf(p),
        { text: p.state, style: p.state === 'R' ? 'good' : p.state === 'D' || p.state === 'Z' ? 'warning' : undefined },
        Number.isNaN(p.cpu) ? '…' : formatCpu(p.cpu),
        formatBytes(p.rssKiB * 1024, 'column'),
        String(p.threads),
        formatElapsed(p.elapsedSeconds),
        prefix + commandLineOf(p),
      ],
    }));
}
