// `remora sessions`: the toolkit sessions on the engine, as a table or JSON.
import { LABEL, ROLE_STAND_IN } from '../../../core/labels.js';
import { USED_STAMP } from '../../../toolkit-scripts/scripts.js';
import { isToolkit } from '../../../session/toolkit-session.js';
import { formatElapsed } from '../../../core/duration.js';
import { printJson, printTable } from '../../printers.js';
import { openEngineContext } from '../../session-context.js';
import type { SessionsOptions } from './command.js';

export interface SessionRow {
  id: string;
  container: string;
  target: string;
  targetId: string;
  profile: string;
  /** The toolkit image, as it was named (older toolkits: the engine's name for it). */
  toolkitImage: string;
  capabilities: string;
  state: string;
  ephemeral: boolean;
  ageSeconds: number;
  /** Seconds since the last command started in it (null when unknown). */
  idleSeconds: number | null;
  idleLimitSeconds: number | null;
  /** Memory and pids limits ("512MiB/1024 pids"); empty for toolkits made before limits. */
  limits: string;
  createdBy: string;
}

export async function sessionsCommand(options: SessionsOptions): Promise<number> {
  await using context = await openEngineContext(options);
  const now = Date.now() / 1000;
  // A stand-in's toolkit is listed under the original it stands in for.
  const originals = new Map(context.listing.map((c) => [c.id, c.name]));
  const names = new Map(
    context.listing.map((c) => [
      c.id,
      c.labels[LABEL.role] === ROLE_STAND_IN
        ? `${originals.get(c.labels[LABEL.standInFor] ?? '') ?? c.labels[LABEL.standInName] ?? 'an image'} (stand-in)`
        : c.name,
    ]),
  );
  const toolkits = context.listing.filter((c) => isToolkit(c) && c.state === 'running' && !context.stale.has(c.id));
  const rows = await Promise.all(
    toolkits.map(async (c): Promise<SessionRow> => {
      const stamp = await context.engine.statPath(c.id, USED_STAMP).catch(() => null);
      const targetId = c.labels[LABEL.target] ?? '';
      const idleLimit = Number(c.labels[LABEL.idleSeconds]);
      return {
        id: c.labels[LABEL.session] ?? '',
        container: c.name,
        target: names.get(targetId) ?? targetId.slice(0, 12),
        targetId,
        profile: c.labels[LABEL.profile] ?? '',
        toolkitImage: c.labels[LABEL.toolkitImage] ?? c.image,
        capabilities: c.labels[LABEL.capabilities] ?? '',
        state: c.state,
        ephemeral: c.labels[LABEL.ephemeral] === 'true',
        ageSeconds: Math.round(now - c.created),
        idleSeconds: stamp ? Math.max(0, Math.round(now - Date.parse(stamp.mtime) / 1000)) : null,
        idleLimitSeconds: Number.isFinite(idleLimit) ? idleLimit : null,
        limits: c.labels[LABEL.limits] ?? '',
        createdBy: c.labels[LABEL.createdBy] ?? '',
      };
    }),
  );
  rows.sort(
    (a, b) => a.target.localeCompare(b.target) || a.profile.localeCompare(b.profile) || a.toolkitImage.localeCompare(b.toolkitImage),
  );
  if (options.json) {
    printJson(rows);
    return 0;
  }
  printTable(
    ['TARGET', 'PROFILE', 'IMAGE', 'AGE', 'IDLE', 'LIMITS', 'CREATED BY', 'TOOLKIT'],
    rows.map((r) => [
      r.target,
      r.ephemeral ? `${r.profile} (--rm)` : r.profile,
      r.toolkitImage,
      formatElapsed(r.ageSeconds),
      r.idleSeconds === null
        ? '-'
        : `${formatElapsed(r.idleSeconds)}${r.idleLimitSeconds ? ` of ${formatElapsed(r.idleLimitSeconds)}` : ''}`,
      r.limits || '-',
      r.createdBy,
      r.container,
    ]),
  );
  return 0;
}
