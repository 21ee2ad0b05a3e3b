// `remora ps <target>`: the target's processes as a table, a tree, or JSON. The listing
// (one exec; %CPU over each process's life, or over --interval) is ops/ps.ts; sorting and
// cells are core/process-table.ts.
import { RemoraError } from '../../../core/errors.js';
import {
  PROCESS_COLUMNS,
  PROCESS_SORT_KEYS,
  buildProcessTree,
  formatProcessRow,
  isProcessSortKey,
  processJson,
  processSubtree,
  processTreeJson,
  sortProcesses,
  type ProcessSortKey,
} from '../../../core/process-table.js';
import { sharedPidNamespace } from '../../../session/toolkit-spec.js';
import { listProcesses } from '../../../ops/ps.js';
import { parseDuration } from '../../../core/duration.js';
import { printJson, printTable } from '../../printers.js';
import { openTargetSession } from '../../session-context.js';
import type { PsOptions } from './command.js';

/** The longest --interval: a sample, not a watch (the TUI refreshes). */
const MAX_INTERVAL_SECONDS = 60;

export function parseInterval(text: string | undefined): number {
  if (text === undefined) return 0;
  const seconds = parseDuration(text);
  if (seconds > MAX_INTERVAL_SECONDS)
    throw new RemoraError('USAGE', `--interval ${text} is longer than ${MAX_INTERVAL_SECONDS}s`, {
      hint: 'sample for a few seconds at most; `remora attach` refreshes %CPU continuously',
    });
  return Math.round(seconds * 1000);
}

const SORT_ALIASES: Record<string, ProcessSortKey> = { mem: 'rss', memory: 'rss', start: 'started', time: 'started', command: 'name' };

export function parseSortKey(text: string | undefined): ProcessSortKey {
  const key = (text ?? 'pid').toLowerCase();
  const resolved = SORT_ALIASES[key] ?? key;
  if (!isProcessSortKey(resolved))
    throw new RemoraError('USAGE', `cannot sort by "${text}"`, { hint: `sort by one of: ${PROCESS_SORT_KEYS.join(', ')}` });
  return resolved;
}

export async function psCommand(query: string, options: PsOptions): Promise<number> {
  const key = parseSortKey(options.sort);
  const sampleMs = parseInterval(options.interval);
  await using context = await openTargetSession(options, query, { needsProcess: true });
  using watch = context.session.watch();
  const listing = await listProcesses(context.session, { includeToolkit: options.all ?? false, sampleMs, signal: watch.signal }).catch(
    async (error: unknown) => {
      throw await watch.explain(error);
    },
  );
  // In a shared PID namespace only the target's own tree is its (--all: everything there).
  const shared = sharedPidNamespace(context.session.target.pidMode, context.listing);
  const own = shared && !options.all ? processSubtree(listing.processes, context.session.target.rootPid) : listing.processes;
  if (shared && !options.quiet) {
    process.stderr.write(
      `remora: ${context.session.target.name} shares ${shared} PID namespace: ${options.all ? 'showing every process in it' : 'showing its own process tree (--all shows every process)'}\n`,
    );
  }
  const sorted = sortProcesses(own, key);
  if (options.json) {
    const withToolkitFlag = options.all ?? false;
    printJson(
      options.tree ? processTreeJson(buildProcessTree(sorted), withToolkitFlag) : sorted.map((p) => processJson(p, withToolkitFlag)),
    );
    return 0;
  }
  const rows = options.tree
    ? buildProcessTree(sorted).map((row) => formatProcessRow(row.process, { prefix: row.prefix }))
    : sorted.map((p) => formatProcessRow(p));
  printTable([...PROCESS_COLUMNS], rows);
  return 0;
}
