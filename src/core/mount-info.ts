// /proc/<pid>/mountinfo, parsed, and the mount a path lives on: how a copy that fails
// with "read-only" or "no space" names the mount to blame (the root, a tmpfs, a volume).

export interface MountInfo {
  /** Where it is mounted, as the process sees it (escapes like \040 decoded). */
  mountPoint: string;
  readOnly: boolean;
  fsType: string;
  source: string;
  /** Super-block options (`size=1024k` for a tmpfs). */
  superOptions: string;
}

/** Octal escapes the kernel writes for space, tab, newline and backslash in paths. */
function unescapeMountPath(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

export function parseMountInfo(text: string): MountInfo[] {
  const mounts: MountInfo[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
    const [left, right] = line.split(' - ');
    if (left === undefined || right === undefined) continue;
    const fields = left.split(' ');
    const tail = right.split(' ');
    const mountPoint = fields[4];
    const options = fields[5];
    if (mountPoint === undefined || options === undefined) continue;
    mounts.push({
      mountPoint: unescapeMountPath(mountPoint),
      readOnly: options.split(',').includes('ro'),
      fsType: tail[0] ?? '',
      source: tail[1] ?? '',
      superOptions: tail[2] ?? '',
    });
  }
  return mounts;
}

/** The mount `path` (absolute, resolved) lives on: the last-mounted longest prefix. */
export function mountContaining(path: string, mounts: MountInfo[]): MountInfo | undefined {
  let best: MountInfo | undefined;
  for (const mount of mounts) {
    const point = mount.mountPoint;
    const inside = point === '/' || path === point || path.startsWith(`${point}/`);
    // Later lines are mounted over earlier ones at the same point: >= keeps the last.
    if (inside && (!best || point.length >= best.mountPoint.length)) best = mount;
  }
  return best;
}

/** "the root filesystem", "the tmpfs at /data (size 1m)", "the volume at /data". */
export function describeMount(mount: MountInfo): string {
  if (mount.mountPoint === '/') return "the target's root filesystem";
  if (mount.fsType === 'tmpfs') {
    const size = /(?:^|,)size=([^,]+)/.exec(mount.superOptions)?.[1];
    return `the tmpfs at ${mount.mountPoint}${size ? ` (size ${size})` : ''}`;
  }
  return `the mount at ${mount.mountPoint}`;
}
