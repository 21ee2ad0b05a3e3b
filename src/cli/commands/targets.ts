// `remora targets`: the containers Remora can attach to, with what a user picks by:
// state, user, whether a shell exists in the image (archive API, no exec), and sessions.
import type { Engine } from '../../engine/types.js';
import { isToolkit, sessionsOf } from '../../session/toolkit-session.js';
import type { GlobalOptions } from '../global-options.js';
import { printJson, printTable } from '../printers.js';
import { openEngineContext } from '../session-context.js';

export interface TargetRow {
  id: string;
  name: string;
  image: string;
  state: string;
  user: string;
  hasShell: boolean;
  sessions: number;
}

export async function targetsCommand(globals: GlobalOptions, flags: { all?: boolean; json?: boolean }): Promise<number> {
  const context = await openEngineContext(globals);
  try {
    const containers = context.listing.filter((c) => !isToolkit(c) && (flags.all || c.state === 'running' || c.state === 'paused'));
    const rows = await Promise.all(
      containers.map(async (c): Promise<TargetRow> => {
        const [details, hasShell] = await Promise.all([context.engine.inspectContainer(c.id).catch(() => undefined), shellExists(context.engine, c.id)]);
        return {
          id: c.id,
          name: c.name,
          image: c.image,
          state: c.state,
          user: details?.user || 'root',
          hasShell,
          sessions: sessionsOf(context.listing, c.id).filter((s) => s.state === 'running').length,
        };
      }),
    );
    rows.sort((a, b) => a.name.localeCompare(b.name));
    if (flags.json) {
      printJson(rows);
    } else {
      printTable(
        ['ID', 'NAME', 'IMAGE', 'STATE', 'USER', 'SHELL', 'SESSIONS'],
        rows.map((r) => [r.id.slice(0, 12), r.name, r.image, r.state, r.user, r.hasShell ? 'yes' : 'no', String(r.sessions)]),
      );
    }
    return 0;
  } finally {
    await context.sweep;
    context.engine.dispose();
  }
}

async function shellExists(engine: Engine, id: string): Promise<boolean> {
  try {
    return (await engine.statPath(id, '/bin/sh')) !== null;
  } catch {
    return false;
  }
}
