// Who holds a process of the target when the toolkit cannot see its tracer: TracerPid is
// given in the reader's PID namespace, so a tracer on the host reads as 0 from the
// toolkit. When remora runs on the engine's host (a local socket), the host's /proc
// names it; elsewhere nothing is found and the caller says what it can.
import { readdir, readFile } from 'node:fs/promises';

export interface OutsideTracer {
  /** In the host's PID namespace. */
  pid: number;
  /** Its command line, when readable. */
  command?: string;
}

export interface OutsideTracers {
  /** Whether the target's processes were found in this /proc at all (remora runs on the engine's host). */
  visible: boolean;
  /** The tracer of each pid or thread id asked for (as the toolkit sees it) that has one. */
  tracers: Map<number, OutsideTracer>;
}

/**
 * The tracers of the target's processes or threads `nsIds` (ids as the toolkit sees them),
 * found among the host's: the tasks of the processes whose cgroup names the target, by
 * their innermost NSpid. One pass over the host's /proc whatever the number of ids.
 */
export async function findOutsideTracers(targetId: string, nsIds: readonly number[], procRoot = '/proc'): Promise<OutsideTracers> {
  const found: OutsideTracers = { visible: false, tracers: new Map() };
  const wanted = new Set(nsIds);
  let entries: string[];
  try {
    entries = await readdir(procRoot);
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (wanted.size === 0) break;
    if (!/^\d+$/.test(entry)) continue;
    const cgroup = await readFile(`${procRoot}/${entry}/cgroup`, 'utf8').catch(() => '');
    if (!cgroup.includes(targetId)) continue;
    found.visible = true;
    const tasks = await readdir(`${procRoot}/${entry}/task`).catch(() => [entry]);
    for (const task of tasks) {
      const status = await readFile(`${procRoot}/${entry}/task/${task}/status`, 'utf8').catch(() => '');
      const nsId = Number(/^NSpid:\s*(.*)$/m.exec(status)?.[1]?.trim().split(/\s+/).at(-1));
      if (!wanted.has(nsId)) continue;
      wanted.delete(nsId);
      const tracer = Number(/^TracerPid:\s*(\d+)$/m.exec(status)?.[1] ?? 0);
      if (tracer) found.tracers.set(nsId, await describeTracer(tracer, procRoot));
    }
  }
  return found;
}

/**
 * The tracer of the target's process `nsPid` (as the toolkit sees it), found among the
 * host's processes. Undefined when not traced, or not visible from here.
 */
export async function findOutsideTracer(targetId: string, nsPid: number, procRoot = '/proc'): Promise<OutsideTracer | undefined> {
  return (await findOutsideTracers(targetId, [nsPid], procRoot)).tracers.get(nsPid);
}

async function describeTracer(pid: number, procRoot: string): Promise<OutsideTracer> {
  const argv = await readFile(`${procRoot}/${pid}/cmdline`).catch(() => Buffer.alloc(0));
  const command = argv.toString('utf8').split('\0').filter(Boolean).join(' ');
  return command ? { pid, command } : { pid };
}
