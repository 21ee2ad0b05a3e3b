// `remora detach [target]`: ends a target's toolkit sessions (and its stand-ins) now.
import { RemoraError } from '../../../core/errors.js';
import { LABEL, ROLE_STAND_IN } from '../../../core/labels.js';
import { resolveTarget } from '../../../core/target-resolution.js';
import { removeToolkit, sessionsOf } from '../../../session/toolkit-session.js';
import { labelScope, openEngineContext } from '../../session-context.js';
import type { DetachOptions } from './command.js';

export async function detachCommand(query: string | undefined, options: DetachOptions): Promise<number> {
  if (!query && !options.all) throw new RemoraError('USAGE', 'name a target, or pass --all', { hint: 'remora sessions lists them' });
  await using context = await openEngineContext(options);
  const targetId = query ? resolveTarget(query, context.listing, { allowStopped: true }).id : undefined;
  // --all ends every session that carries the user's REMORA_LABELS (every one when none are
  // set), so one CI job's cleanup never ends another's sessions on a shared engine.
  const listing = targetId === undefined ? context.listing.filter(labelScope(context.engine.labels)) : context.listing;
  // The sweep may be removing some of them already; removing one twice is harmless.
  // With the stand-ins of that target (an exited one) and their toolkits.
  const standIns = listing.filter(
    (c) => c.labels[LABEL.role] === ROLE_STAND_IN && (targetId === undefined || c.labels[LABEL.standInFor] === targetId),
  );
  const doomed = [...sessionsOf(listing, targetId), ...(targetId ? standIns.flatMap((s) => sessionsOf(listing, s.id)) : [])];
  await Promise.all([...doomed.map((c) => removeToolkit(context.engine, c)), ...standIns.map((c) => context.engine.removeContainer(c.id))]);
  process.stderr.write(`remora: ended ${doomed.length} session${doomed.length === 1 ? '' : 's'}\n`);
  return 0;
}
