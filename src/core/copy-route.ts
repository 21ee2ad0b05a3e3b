// Which way `remora cp` moves a file's bytes. The exec stream (remora-fs in the toolkit)
// goes wherever the toolkit sees the target's files: tmpfs, read-only mounts, stand-ins.
// The archive route is docker cp's own: the engine reads and writes the container's files
// itself, without the exec relay's 2-3 CPU-seconds per GiB. It serves only large regular
// files on mounts the engine reaches exactly as the target sees them.
import { formatBytes } from './bytes.js';
import { describeMount, mountContaining, type MountInfo } from './mount-info.js';

/** Below this, the exec stream's round trips are cheaper than the archive route's extra ones. */
export const ARCHIVE_ROUTE_MIN_BYTES = 128 * 1024 * 1024;

export interface CopyRoute {
  kind: 'archive' | 'exec';
  /** Why, in words (`--debug` prints it). */
  reason: string;
}

export interface CopyItem {
  kind: 'file' | 'directory' | 'symlink' | 'other';
  size: number;
}

/** What decides the route on the target's side. */
export interface TargetFacts {
  /** The session runs in a stand-in (no process of the target): the engine would reach the stand-in's files. */
  standIn: boolean;
  /** The target runs with --read-only. */
  readonlyRootfs: boolean;
  /** The mounts the engine made for the target (its inspect answer). */
  mounts: ReadonlyArray<{ type: string; destination: string; readWrite: boolean }>;
  /** The target's mount table as it sees it (/proc/<pid>/mountinfo). */
  mountInfo: readonly MountInfo[];
}

/** The first test, before any round trip: the exec route for anything but a large regular file. */
export function routeOfItem(item: CopyItem): CopyRoute | undefined {
  if (item.kind !== 'file') return { kind: 'exec', reason: 'not a regular file' };
  if (item.size < ARCHIVE_ROUTE_MIN_BYTES) return { kind: 'exec', reason: `smaller than ${formatBytes(ARCHIVE_ROUTE_MIN_BYTES)}` };
  return undefined;
}

/** Only a large regular file may take the archive route: worth asking the target about. */
export function mayTakeArchiveRoute(item: CopyItem): boolean {
  return routeOfItem(item) === undefined;
}

/** Root file systems the engine's archive API writes through as the target sees them. */
const OVERLAY_TYPES = new Set(['overlay', 'fuse.fuse-overlayfs']);

/**
 * The route for one item at `path` (absolute, resolved inside the target's root: the file
 * for a copy-out, the destination directory for a copy-in).
 */
export function chooseCopyRoute(item: CopyItem, path: string, target: TargetFacts): CopyRoute {
  const exec = (reason: string): CopyRoute => ({ kind: 'exec', reason });
  const early = routeOfItem(item);
  if (early) return early;
  if (target.standIn) return exec('the target has no process: its files are a stand-in');
  const mount = mountContaining(path, [...target.mountInfo]);
  if (!mount) return exec(`no mount of the target contains ${path}`);
  // The engine's archive API looks below a tmpfs, at the layer under it: it would read or
  // write another file than the target's.
  if (mount.fsType === 'tmpfs') return exec(`on ${describeMount(mount)}, which only the toolkit sees`);
  if (mount.readOnly) return exec(`on a read-only mount (${describeMount(mount)})`);
  const size = formatBytes(item.size);
  if (mount.mountPoint === '/') {
    if (target.readonlyRootfs) return exec("the target's root is read-only");
    if (!OVERLAY_TYPES.has(mount.fsType)) return exec(`the target's root is ${mount.fsType}, not an overlay`);
    return { kind: 'archive', reason: `a ${size} file on the target's writable overlay root` };
  }
  const made = target.mounts.find((m) => m.destination === mount.mountPoint);
  if (!made) return exec(`on a mount at ${mount.mountPoint} the engine did not make`);
  if ((made.type !== 'volume' && made.type !== 'bind') || !made.readWrite)
    return exec(`on a ${made.readWrite ? '' : 'read-only '}${made.type} mount at ${mount.mountPoint}`);
  return { kind: 'archive', reason: `a ${size} file on the writable ${made.type} at ${mount.mountPoint}` };
}

/** Go's os.FileMode type bits, as the engine's archive API reports a path's mode. */
const GO_MODE = {
  dir: 2 ** 31,
  symlink: 2 ** 27,
  device: 2 ** 26,
  pipe: 2 ** 25,
  socket: 2 ** 24,
  charDevice: 2 ** 21,
  irregular: 2 ** 19,
};

/** What a mode from the engine's path stat (X-Docker-Container-Path-Stat) says the item is. */
export function kindOfEngineMode(mode: number): CopyItem['kind'] {
  const bit = (value: number): boolean => Math.floor(mode / value) % 2 === 1;
  if (bit(GO_MODE.dir)) return 'directory';
  if (bit(GO_MODE.symlink)) return 'symlink';
  if (bit(GO_MODE.device) || bit(GO_MODE.pipe) || bit(GO_MODE.socket) || bit(GO_MODE.charDevice) || bit(GO_MODE.irregular)) return 'other';
  return 'file';
}
