// Podman records a container that joins another's namespaces by `container:<id>` as its
// dependent, and then refuses `podman rm -f <target>` while the toolkit exists. Joining
// the same namespaces by path (`ns:/proc/<pid>/ns/<kind>`, which Podman's compatible API
// accepts) records nothing. Pure: which containers a spec joins, and the rewritten modes.

/** The modes of a HostConfig that can name another container. */
export interface JoinModes {
  pidMode?: string;
  networkMode?: string;
  ipcMode?: string;
}

const NAMESPACE_OF: Record<keyof JoinModes, string> = { pidMode: 'pid', networkMode: 'net', ipcMode: 'ipc' };

/** The distinct container IDs the modes join (`container:<id>`). */
export function joinedContainers(modes: JoinModes): string[] {
  const ids = new Set<string>();
  for (const key of Object.keys(NAMESPACE_OF) as Array<keyof JoinModes>) {
    const mode = modes[key];
    if (mode?.startsWith('container:')) ids.add(mode.slice('container:'.length));
  }
  return [...ids];
}

/**
 * The same modes with every `container:<id>` replaced by the path of that namespace of
 * the container's main process (its host PID, from `pids`). Other modes are kept.
 */
export function namespacePathModes<T extends JoinModes>(modes: T, pids: ReadonlyMap<string, number>): T {
  const rewritten: T = { ...modes };
  for (const key of Object.keys(NAMESPACE_OF) as Array<keyof JoinModes>) {
    const mode = modes[key];
    if (!mode?.startsWith('container:')) continue;
    const pid = pids.get(mode.slice('container:'.length));
    if (pid === undefined || !Number.isInteger(pid) || pid < 1) throw new Error(`no host PID for ${mode}`);
    rewritten[key] = `ns:/proc/${pid}/ns/${NAMESPACE_OF[key]}` as T[keyof JoinModes];
  }
  return rewritten;
}
