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

/**
 * The tracer of the target's process `nsPid` (as the toolkit sees it), found among the
 * host's processes: the one whose innermost NSpid is nsPid and whose cgroup names the
 * target. Undefined when not traced, or not visible from here.
 */
export async function findOutsideTracer(targetId: string, nsPid: number, procRoot = '/proc'): Promise<OutsideTracer | undefined> {
  let entries: string[];
  try {
    entries = await readdir(procRoot);
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const status = await readFile(`${procRoot}/${entry}/status`, 'utf8').catch(() => '');
    const nspids = /^NSpid:\s*(.*)$/m.exec(status)?.[1]?.trim().split(/\s+/);
    if (Number(nspids?.at(-1)) !== nsPid) continue;
    const cgroup = await readFile(`${procRoot}/${entry}/cgroup`, 'utf8').catch(() => '');
    if (!cgroup.includes(targetId)) continue;
    const tracer = Number(/^TracerPid:\s*(\d+)$/m.exec(status)?.[1] ?? 0);
    if (!tracer) return undefined;
    const argv = await readFile(`${procRoot}/${tracer}/cmdline`).catch(() => Buffer.alloc(0));
    const command = argv.toString('utf8').split('\0').filter(Boolean).join(' ');
    return command ? { pid: tracer, command } : { pid: tracer };
  }
  return undefined;
}
