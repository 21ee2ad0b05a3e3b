// The facts the route of a large copy depends on (core/copy-route.ts decides): where a path
// of the target is, resolved inside its root by `remora-fs where`, on which mount, and what
// the engine made of the target's mounts. Asked only for items that may take the archive route.
import { chooseCopyRoute, type CopyItem, type CopyRoute } from '../core/copy-route.js';
import { parseMountInfo, type MountInfo } from '../core/mount-info.js';
import { decodeTargetBytes } from '../core/target-text.js';
import type { ToolkitSession } from '../session/toolkit-session.js';
import { helperCommand, helperFailure, type FailureContext } from './fs-helper.js';

export interface TargetSpot {
  type: 'file' | 'dir' | 'symlink' | 'other';
  size: number;
  /** The path resolved inside the target's root (its final symlink followed only when asked). */
  path: string;
  /** The effective ids of the target's main process: the owner a copy-in gives by default. */
  uid: number;
  gid: number;
  mountInfo: MountInfo[];
}

/** `remora-fs where`: the path resolved and checked inside the target's root, with its mount table. */
export async function locateInTarget(
  session: ToolkitSession,
  path: string,
  follow: boolean,
  context: Omit<FailureContext, 'path' | 'session'>,
): Promise<TargetSpot> {
  const result = await session.run(
    helperCommand({
      command: 'where',
      flags: [...(follow ? ['-L'] : []), '-p', String(session.target.rootPid)],
      root: session.targetRoot,
      paths: [path],
    }),
  );
  if (result.exitCode !== 0) throw await helperFailure(result.exitCode, result.stderr, { ...context, session, path });
  // Paths are bytes: the JSON carries them raw, decoded as target text (core/target-text.ts).
  const answer = JSON.parse(decodeTargetBytes(result.stdout)) as Omit<TargetSpot, 'mountInfo'> & { mountinfo: string };
  return {
    type: answer.type,
    size: answer.size,
    path: answer.path,
    uid: answer.uid,
    gid: answer.gid,
    mountInfo: parseMountInfo(answer.mountinfo),
  };
}

/**
 * Locates `path` and asks the engine about the target at once (two round trips side by
 * side), then chooses the route for the item: the local file of a copy-in, or what the
 * spot itself is for a copy-out.
 */
export async function locateAndRoute(
  session: ToolkitSession,
  request: { path: string; follow: boolean; item: (spot: TargetSpot) => CopyItem },
  context: Omit<FailureContext, 'path' | 'session'>,
): Promise<{ spot: TargetSpot; route: CopyRoute }> {
  const [spot, details] = await Promise.all([locateInTarget(session, request.path, request.follow, context), session.inspectTarget()]);
  const route = chooseCopyRoute(request.item(spot), spot.path, {
    standIn: session.target.postMortem !== undefined,
    readonlyRootfs: details.readonlyRootfs,
    mounts: details.mounts,
    mountInfo: spot.mountInfo,
  });
  return { spot, route };
}

/** The kind of item a located spot is, in the route's words. */
export function itemAt(spot: TargetSpot): CopyItem {
  return { kind: spot.type === 'dir' ? 'directory' : spot.type, size: spot.size };
}
