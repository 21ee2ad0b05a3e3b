// `remora net <target>`: the sockets of the target's network namespace with their
// processes, listening first (ops/net.ts does the work).
import { SOCKET_COLUMNS, formatSocketRow } from '../../../core/socket-table.js';
import { listSockets } from '../../../ops/net.js';
import { printJson, printTable } from '../../printers.js';
import { openTargetSession } from '../../session-context.js';
import type { NetOptions } from './command.js';

export async function netCommand(query: string, options: NetOptions): Promise<number> {
  await using context = await openTargetSession(options, query, { needsProcess: true });
  using watch = context.session.watch();
  const sockets = await listSockets(context.session, watch.signal).catch(async (error: unknown) => {
    throw await watch.explain(error);
  });
  if (options.json) printJson(sockets);
  else printTable([...SOCKET_COLUMNS], sockets.map(formatSocketRow));
  return 0;
}
