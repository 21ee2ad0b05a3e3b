// Who made a temporary thing (a stand-in's image, a stand-in not yet started): a process
// named so that a later remora can tell whether it still runs. A pid alone is not enough
// (pids are reused, and each PID namespace and each boot has its own), so the label holds
// the pid, its start time in clock ticks, the boot id and the PID namespace. Pure.
import { parseProcStat } from './proc-parsers.js';

export interface ProcessOwner {
  pid: number;
  /** Field 22 of /proc/PID/stat: with the pid, one process of one boot. */
  startTicks: string;
  /** /proc/sys/kernel/random/boot_id. */
  boot: string;
  /** The PID namespace, as /proc/self/ns/pid reads (`pid:[4026531836]`). */
  pidNamespace: string;
}

/** `4242:123456@<boot id>/pid:[4026531836]`. */
export function formatOwner(owner: ProcessOwner): string {
  return `${owner.pid}:${owner.startTicks}@${owner.boot}/${owner.pidNamespace}`;
}

export function parseOwner(text: string | undefined): ProcessOwner | undefined {
  const match = /^(\d+):(\d+)@([^/]+)\/(.+)$/.exec(text ?? '');
  if (!match) return undefined;
  return { pid: Number(match[1]), startTicks: match[2]!, boot: match[3]!, pidNamespace: match[4]! };
}

/**
 * Whether the owner named by a label still runs: 'unknown' when this process cannot see it
 * (no label, another machine or boot, another PID namespace), which callers answer by age.
 */
export function ownerLiveness(
  label: string | undefined,
  here: ProcessOwner | undefined,
  startTicksOf: (pid: number) => string | undefined,
): 'alive' | 'gone' | 'unknown' {
  const owner = parseOwner(label);
  if (!owner || !here || owner.boot !== here.boot || owner.pidNamespace !== here.pidNamespace) return 'unknown';
  return startTicksOf(owner.pid) === owner.startTicks ? 'alive' : 'gone';
}

/** The start time (field 22) in the text of /proc/PID/stat, as the owner label writes it. */
export function startTicksFromStat(stat: string): string | undefined {
  const ticks = parseProcStat(stat)?.starttime;
  return ticks !== undefined && Number.isInteger(ticks) ? String(ticks) : undefined;
}
