// `remora ps <target>`: the target's processes as a table, a tree, or JSON. The listing
// (one exec, %CPU over a short sample) is ops/ps.ts; sorting and cells are core/process-table.ts.
import { RemoraError } from '../../core/errors.js';
import { PROCESS_COLUMNS, PROCESS_SORT_KEYS, buildProcessTree, formatProcessRow, isProcessSortKey, processJson, sortProcesses, type ProcessSortKey } from '../../core/process-table.js';
import { listProcesses } from '../../ops/ps.js';
import type { GlobalOptions } from '../global-options.js';
import { printJson, printTable } from '../printers.js';
import { openTargetSession } from '../session-context.js';

export interface PsFlags {
  tree?: boolean;
  sort?: string;
  all?: boolean;
  json?: boolean;
}

const SORT_ALIASES: Record<string, ProcessSortKey> = { mem: 'rss', memory: 'rss', start: 'started', time: 'started', command: 'name' };

export function parseSortKey(text: string | undefined): ProcessSortKey {
  const key = (text ?? 'pid').toLowerCase();
  const resolved = SORT_ALIASES[key] ?? key;
  if (!isProcessSortKey(resolved)) throw new RemoraError('USAGE', `cannot sort by "${text}"`, { hint: `sort by one of: ${PROCESS_SORT_KEYS.join(', ')}` });
  return resolved;
}

export async function psCommand(globals: GlobalOptions, query: string, flags: PsFlags): Promise<number> {
  const key = parseSortKey(flags.sort);
  await using context = await openTargetSession(globals, query, { needsProcess: true });
  const listing = await listProcesses(context.session, { includeToolkit: flags.all ?? false });
  const sorted = sortProcesses(listing.processes, key);
  if (flags.json) {
    printJson(sorted.map((p) => processJson(p, flags.all ?? false)));
    return 0;
  }
  const rows = flags.tree ? buildProcessTree(sorted).map((row) => formatProcessRow(row.process, { prefix: row.prefix })) : sorted.map((p) => formatProcessRow(p));
  printTable([...PROCESS_COLUMNS], rows);
  return 0;
}
