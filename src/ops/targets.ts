// The containers Remora can attach to, with what a user picks by: state, user, whether a
// shell exists in the image (the archive API, no exec), and the sessions attached. Shared
// by `remora targets` and the TUI's target picker.
import type { ContainerSummary, Engine } from '../engine/types.js';
import { LABEL, ROLE_STAND_IN } from '../core/labels.js';
import { sessionsOf } from '../session/toolkit-session.js';

/** A container a user can pick as a target: a row of `remora targets` and of the TUI's picker. */
export interface TargetRow {
  id: string;
  name: string;
  image: string;
  state: string;
  user: string;
  hasShell: boolean;
  sessions: number;
}

/** Running and paused containers (all with `all`), Remora's own excluded, sorted by name. */
export async function listTargets(engine: Engine, listing: ContainerSummary[], options: { all?: boolean } = {}): Promise<TargetRow[]> {
  // Remora's own containers (toolkits, stand-ins) are not targets.
  const containers = listing.filter(
    (c) => c.labels[LABEL.role] === undefined && (options.all || c.state === 'running' || c.state === 'paused'),
  );
  // An exited target's sessions run in its stand-ins.
  const standIns = listing.filter((c) => c.labels[LABEL.role] === ROLE_STAND_IN && c.state === 'running');
  const rows = await Promise.all(
    containers.map(async (c): Promise<TargetRow> => {
      const [details, hasShell] = await Promise.all([engine.inspectContainer(c.id).catch(() => undefined), shellExists(engine, c.id)]);
      return {
        id: c.id,
        name: c.name,
        image: c.image,
        state: c.state,
        user: details?.user || 'root',
        hasShell,
        sessions: [c.id, ...standIns.filter((s) => s.labels[LABEL.standInFor] === c.id).map((s) => s.id)]
          .flatMap((id) => sessionsOf(listing, id))
          .filter((s) => s.state === 'running').length,
      };
    }),
  );
  return rows.sort((a, b) => a.name.localeCompare(b.name));
}

async function shellExists(engine: Engine, id: string): Promise<boolean> {
  try {
    return (await engine.statPath(id, '/bin/sh')) !== null;
  } catch {
    return false;
  }
}
