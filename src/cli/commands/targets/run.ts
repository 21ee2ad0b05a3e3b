// `remora targets`: the containers Remora can attach to (ops/targets.ts), as a table or JSON.
import { listTargets } from '../../../ops/targets.js';
import { printJson, printTable } from '../../printers.js';
import { openEngineContext } from '../../session-context.js';
import type { TargetsOptions } from './command.js';

export type { TargetRow } from '../../../ops/targets.js';

export async function targetsCommand(options: TargetsOptions): Promise<number> {
  await using context = await openEngineContext(options);
  const rows = await listTargets(context.engine, context.listing, { all: options.all });
  if (options.json) {
    printJson(rows);
  } else {
    printTable(
      ['ID', 'NAME', 'IMAGE', 'STATE', 'USER', 'SHELL', 'SESSIONS'],
      rows.map((r) => [r.id.slice(0, 12), r.name, r.image, r.state, r.user, r.hasShell ? 'yes' : 'no', String(r.sessions)]),
    );
  }
  return 0;
}
