// Label names Remora puts on everything it creates: how sessions are found, swept and
// cleaned up without touching anything else; and the user's own (REMORA_LABELS).
import { RemoraError } from './errors.js';

export const LABEL = {
  role: 'remora.role',
  target: 'remora.target',
  session: 'remora.session',
  profile: 'remora.profile',
  createdBy: 'remora.created-by',
  version: 'remora.version',
  capabilities: 'remora.capabilities',
  /** Set on a session bound to one command (`--rm`): never reused by another. */
  ephemeral: 'remora.ephemeral',
  idleSeconds: 'remora.idle-seconds',
  /** The toolkit image as the user named it: a shared session serves only commands asking for it. */
  toolkitImage: 'remora.toolkit-image',
  /**
   * On a toolkit: the PID (as the toolkit sees it) whose root is the target's root. With it
   * a later command needs no inspect of the target. Absent for targets in the host's PID
   * namespace, whose main PID changes when they restart.
   */
  targetRootPid: 'remora.target-root-pid',
  /**
   * On a shared toolkit of a local engine: the host directory bind-mounted for its control
   * socket (session/control-dir.ts), removed with it.
   */
  controlDir: 'remora.control-dir',
  /** On a toolkit: its memory and pids limits as formatToolkitLimits writes them. */
  limits: 'remora.limits',
  /** On the demo target (not a toolkit: it must stay attachable). */
  demo: 'remora.demo',
  /** On a stand-in: the container or image it stands in for. */
  standInFor: 'remora.stand-in-for',
  /** On a stand-in: the original's name as the user gave it (an image has no container name). */
  standInName: 'remora.stand-in-name',
  /** On a stand-in of a container: the original's FinishedAt, so a later run can tell it is still current. */
  standInOf: 'remora.stand-in-of',
  /**
   * On a stand-in's temporary image and on stand-ins not yet started: the remora process
   * making them (core/process-owner.ts), so a later sweep can tell an orphan from work under way.
   */
  owner: 'remora.owner',
} as const;

export const ROLE_TOOLKIT = 'toolkit';
/** A container Remora runs in place of an exited container or an image (see session/stand-in.ts). */
export const ROLE_STAND_IN = 'stand-in';
/** The temporary image a stand-in of a container is made from (removed as soon as the stand-in exists). */
export const ROLE_STAND_IN_IMAGE = 'stand-in-image';

/**
 * REMORA_LABELS: `KEY=VALUE[,KEY=VALUE...]`, labels put on every container and image
 * remora creates (as docker's --label). Empty or unset: none. Remora's own keys are
 * refused: they say what a container is, and the sweep trusts them.
 */
export function parseLabelList(text: string | undefined, source = 'REMORA_LABELS'): Record<string, string> {
  const labels: Record<string, string> = {};
  if (text === undefined || text.trim() === '') return labels;
  const own = new Set<string>(Object.values(LABEL));
  for (const item of text.split(',')) {
    const equals = item.indexOf('=');
    const key = equals < 0 ? '' : item.slice(0, equals).trim();
    if (key === '' || /\s/.test(key)) {
      throw new RemoraError('USAGE', `${source}: "${item.trim()}" is not KEY=VALUE`, {
        hint: `write it like ${source}=ci.run=1234,team=payments`,
      });
    }
    if (own.has(key)) throw new RemoraError('USAGE', `${source}: ${key} is one of remora's own labels`, { hint: 'pick another key' });
    labels[key] = item.slice(equals + 1);
  }
  return labels;
}
