// `remora targets`: the containers Remora can attach to (ops/targets.ts), as a table or JSON.
import { listTargets } from '../../../ops/targets.js';
import type { GlobalOptions } from '../../global-options.js';
import { printJson, printTable } from '../../printers.js';
import { openEngineContext } from '../../session-context.js';

export type { TargetRow } from '../../../ops/targets.js';

export async function targetsCommand(globals: GlobalOptions, flags: { all?: boolean; json?: boolean }): Promise<number> {
  await using context = await openEngineContext(globals);
  const rows = await listTargets(context.engine, context.listing, { all: flags.all });
  if (flags.json) {
    printJson(rows);
  } else {
    printTable(
      ['ID', 'NAME', 'IMAGE', 'STATE', 'USER', 'SHELL', 'SESSIONS'],
      rows.map((r) => [r.id.slice(0, 12), r.name, r.image, r.state, r.user, r.hasShell ? 'yes' : 'no', String(r.sessions)]),
    );
  }
  return 0;
}
