// The facts the route of a large copy depends on (core/copy-route.ts decides): where paths
// of the target are, resolved inside its root by `remora-fs where` (one exec for all of
// them), on which mount, and what the engine made of the target's mounts (its inspect
// answer, asked at the same time). Asked only for items that may take the archive route.
import { chooseCopyRoute, type CopyItem, type CopyRoute } from '../core/copy-route.js';
import { parseMountInfo, type MountInfo } from '../core/mount-info.js';
import { decodeTargetBytes } from '../core/target-text.js';
import type { ContainerDetails } from '../engine/types.js';
import type { ToolkitSession } from '../session/toolkit-session.js';
import { helperCommand, helperFailure, type FailureContext } from './fs-helper.js';

export interface TargetSpot {
  type: 'file' | 'dir' | 'symlink' | 'other';
  size: number;
  /** The path resolved inside the target's root (its final symlink followed only when asked). */
  path: string;
}

export interface Located {
  /** One per path asked, null where nothing is there. */
  spots: Array<TargetSpot | null>;
  /** The effective ids of the target's main process: the owner a copy-in gives by default. */
  uid: number;
  gid: number;
  mountInfo: MountInfo[];
  /** The target as the engine sees it. */
  details: ContainerDetails;
}

/**
 * `remora-fs where` on the paths, beside the engine's inspect of the target; `onInspected`
 * runs once the inspect has its answer, while `where` may still run.
 */
export async function locateInTarget(
  session: ToolkitSession,
  paths: string[],
  follow: boolean,
  context: Omit<FailureContext, 'path' | 'session'>,
  onInspected?: () => void,
): Promise<Located> {
  const [result, details] = await Promise.all([
    session.run(
      helperCommand({
        command: 'where',
        flags: [...(follow ? ['-L'] : []), '-p', String(session.target.rootPid)],
        root: session.targetRoot,
        paths,
      }),
      // Its JSON, whole, comes last before a successful exit (cmd_where in remora-fs-archive.inc).
      { succeeded: (stdout) => stdout.length > 0 && stdout.at(-2) === 0x7d /* } */ && stdout.at(-1) === 0x0a },
    ),
    session.inspectTarget().then((details) => {
      onInspected?.();
      return details;
    }),
  ]);
  if (result.exitCode !== 0) throw await helperFailure(result.exitCode, result.stderr, { ...context, session, path: paths[0] ?? '/' });
  // Paths are bytes: the JSON carries them raw, decoded as target text (core/target-text.ts).
  const answer = JSON.parse(decodeTargetBytes(result.stdout)) as {
    uid: number;
    gid: number;
    paths: Array<TargetSpot | { type: 'none' }>;
    mountinfo: string;
  };
  return {
    spots: answer.paths.map((spot) => (spot.type === 'none' ? null : spot)),
    uid: answer.uid,
    gid: answer.gid,
    mountInfo: parseMountInfo(answer.mountinfo),
    details,
  };
}

/** The route for an item whose copy goes to or from `path` (resolved) of a located target. */
export function routeAt(session: ToolkitSession, item: CopyItem, path: string, located: Located): CopyRoute {
  return chooseCopyRoute(item, path, {
    standIn: session.target.postMortem !== undefined,
    readonlyRootfs: located.details.readonlyRootfs,
    mounts: located.details.mounts,
    mountInfo: located.mountInfo,
  });
}

/** The kind of item a located spot is, in the route's words. */
export function itemAt(spot: TargetSpot): CopyItem {
  return { kind: spot.type === 'dir' ? 'directory' : spot.type, size: spot.size };
}
