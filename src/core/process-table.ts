// Processes as a table: sorting, the tree, filtering and the cells of each row, shared by
// `remora ps` and the TUI's process view. Pure: no I/O, no clock (callers pass what they need).
import { formatBytes } from './bytes.js';
import { formatElapsed } from './duration.js';
import type { ProcessInfo } from './process-types.js';

/** A process as a listing shows it: ProcessInfo plus what a listing measures. */
export interface ListedProcess extends ProcessInfo {
  /** %CPU over the listing's sampling interval; 100 is one core busy. */
  cpu: number;
  /** ISO 8601, from the host's boot time and the process's start (stat field 22). */
  startedAt: string;
  /** Seconds since it started, by the host's own clock (no clock skew with the engine). */
  elapsedSeconds: number;
  /** One of the toolkit's own processes (shown only on request). */
  toolkit: boolean;
}

export type ProcessSortKey = 'pid' | 'cpu' | 'rss' | 'name' | 'started';

export const PROCESS_SORT_KEYS: readonly ProcessSortKey[] = ['pid', 'cpu', 'rss', 'name', 'started'];

export function isProcessSortKey(text: string): text is ProcessSortKey {
  return (PROCESS_SORT_KEYS as readonly string[]).includes(text);
}

/** USER as shown: the name from the target's passwd, else the number. */
export function userOf(p: ProcessInfo): string {
  return p.user ?? String(p.uid);
}

/** The command line as ps prints it; `[comm]` for kernel threads, zombies and empty argv. */
export function commandLineOf(p: ProcessInfo): string {
  const line = p.command
    .join(' ')
    .replace(/[\0\n\r\t]/g, ' ')
    .trim();
  if (line === '') return p.state === 'Z' ? `[${p.comm}] <defunct>` : `[${p.comm}]`;
  return line;
}

/** The short name used for sorting and filtering: argv[0]'s basename, else comm. */
export function processName(p: ProcessInfo): string {
  const first = p.command[0];
  if (!first) return p.comm;
  const base = first.split(' ')[0]!.split('/').pop();
  return base || p.comm;
}

/**
 * Sorted copy. CPU and memory put the largest first, the others ascend; ties fall back to
 * the pid, so rows never swap places between two refreshes with equal values.
 */
export function sortProcesses<T extends ListedProcess>(processes: readonly T[], key: ProcessSortKey, reverse = false): T[] {
  const compare = comparatorFor(key);
  const sign = reverse ? -1 : 1;
  return [...processes].sort((a, b) => sign * compare(a, b) || a.pid - b.pid);
}

function comparatorFor(key: ProcessSortKey): (a: ListedProcess, b: ListedProcess) => number {
  switch (key) {
    case 'pid':
      return (a, b) => a.pid - b.pid;
    case 'cpu':
      return (a, b) => b.cpu - a.cpu;
    case 'rss':
      return (a, b) => b.rssKiB - a.rssKiB;
    case 'name':
      return (a, b) => processName(a).localeCompare(processName(b));
    case 'started':
      return (a, b) => a.startTicks - b.startTicks;
  }
}

export interface TreeRow<T extends ProcessInfo = ListedProcess> {
  process: T;
  depth: number;
  /** Drawing before the command: "", "├─ ", "│  └─ ", ... */
  prefix: string;
}

/**
 * The processes in tree order, depth first. Roots are those whose parent is not in the
 * list (PID 1's parent is 0; the toolkit's exec'd processes have a parent outside the
 * namespace). Siblings keep the order of `processes`, so sorting first sorts each level.
 */
export function buildProcessTree<T extends ProcessInfo>(processes: readonly T[]): TreeRow<T>[] {
  const present = new Set(processes.map((p) => p.pid));
  const children = new Map<number, T[]>();
  const roots: T[] = [];
  for (const p of processes) {
    if (p.ppid !== p.pid && present.has(p.ppid)) {
      const list = children.get(p.ppid) ?? [];
      list.push(p);
      children.set(p.ppid, list);
    } else {
      roots.push(p);
    }
  }
  const rows: TreeRow<T>[] = [];
  const seen = new Set<number>();
  // Iterative, so a 1,000-deep chain cannot overflow the stack.
  const stack: Array<{ process: T; depth: number; lead: string; last: boolean }> = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push({ process: roots[i]!, depth: 0, lead: '', last: true });
  while (stack.length > 0) {
    const { process, depth, lead, last } = stack.pop()!;
    if (seen.has(process.pid)) continue;
    seen.add(process.pid);
    rows.push({ process, depth, prefix: depth === 0 ? '' : `${lead}${last ? '└─ ' : '├─ '}` });
    const kids = children.get(process.pid) ?? [];
    const nextLead = depth === 0 ? '' : `${lead}${last ? '   ' : '│  '}`;
    for (let i = kids.length - 1; i >= 0; i--)
      stack.push({ process: kids[i]!, depth: depth + 1, lead: nextLead, last: i === kids.length - 1 });
  }
  // A cycle (pid reuse caught mid-listing) leaves processes unreached: list them as roots.
  for (const p of processes) if (!seen.has(p.pid)) rows.push({ process: p, depth: 0, prefix: '' });
  return rows;
}

/** Case-insensitive match on pid, user and command line (the TUI's `/`). */
export function filterProcesses<T extends ListedProcess>(processes: readonly T[], text: string): T[] {
  const needle = text.trim().toLowerCase();
  if (needle === '') return [...processes];
  return processes.filter(
    (p) => String(p.pid) === needle || userOf(p).toLowerCase().includes(needle) || commandLineOf(p).toLowerCase().includes(needle),
  );
}

export const PROCESS_COLUMNS = ['PID', 'PPID', 'USER', 'STATE', '%CPU', 'RSS', 'THREADS', 'ELAPSED', 'COMMAND'] as const;

/** The cells of one row, in PROCESS_COLUMNS order. */
export function formatProcessRow(p: ListedProcess, options: { prefix?: string } = {}): string[] {
  const mark = p.toolkit ? '[toolkit] ' : '';
  return [
    String(p.pid),
    String(p.ppid),
    userOf(p),
    p.state,
    formatCpu(p.cpu),
    formatBytes(p.rssKiB * 1024, 'column'),
    String(p.threads),
    formatElapsed(p.elapsedSeconds),
    `${options.prefix ?? ''}${mark}${commandLineOf(p)}`,
  ];
}

export function formatCpu(cpu: number): string {
  return cpu.toFixed(1);
}

/** The JSON shape of `remora ps --json` (exactly these keys; `toolkit` only with --all). */
export function processJson(p: ListedProcess, withToolkitFlag = false): Record<string, unknown> {
  const row: Record<string, unknown> = {
    pid: p.pid,
    ppid: p.ppid,
    user: userOf(p),
    uid: p.uid,
    state: p.state,
    cpu: Math.round(p.cpu * 10) / 10,
    rssKiB: Math.round(p.rssKiB),
    threads: p.threads,
    startedAt: p.startedAt,
    // Exactly as the kernel has it (JSON escapes whatever it holds).
    command: p.command.length > 0 ? p.command.join(' ') : commandLineOf(p),
  };
  if (withToolkitFlag) row.toolkit = p.toolkit;
  return row;
}

export type ProcessTreeJson = Record<string, unknown> & { children: ProcessTreeJson[] };

/** `ps --tree --json`: each process with its children nested, from buildProcessTree's rows. */
export function processTreeJson(rows: readonly TreeRow[], withToolkitFlag = false): ProcessTreeJson[] {
  const roots: ProcessTreeJson[] = [];
  // The rows are depth-first: a row's parent is the last row seen one level up.
  const path: ProcessTreeJson[] = [];
  for (const row of rows) {
    const node: ProcessTreeJson = { ...processJson(row.process, withToolkitFlag), children: [] };
    path.length = row.depth;
    const parent = row.depth === 0 ? undefined : path[row.depth - 1];
    (parent ? parent.children : roots).push(node);
    path.push(node);
  }
  return roots;
}

/**
 * The process `rootPid` and its descendants, in the order given. For a target that shares
 * a PID namespace (the host's, or another container's) the rest are not its processes.
 */
export function processSubtree<T extends ProcessInfo>(processes: readonly T[], rootPid: number): T[] {
  const children = new Map<number, number[]>();
  for (const p of processes) {
    if (p.pid === p.ppid) continue;
    const list = children.get(p.ppid) ?? [];
    list.push(p.pid);
    children.set(p.ppid, list);
  }
  const inTree = new Set<number>();
  const queue = processes.some((p) => p.pid === rootPid) ? [rootPid] : [];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    if (inTree.has(pid)) continue;
    inTree.add(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return processes.filter((p) => inTree.has(p.pid));
}
