// This process as the owner of what it makes, and whether another owner still runs, read
// from /proc (core/process-owner.ts has the rules). Where there is no /proc (macOS), no
// owner can be named or checked: leftovers are then told by their age alone.
import { readFileSync, readlinkSync } from 'node:fs';
import { formatOwner, ownerLiveness, startTicksFromStat, type ProcessOwner } from '../core/process-owner.js';

let self: ProcessOwner | null | undefined;

function thisProcess(): ProcessOwner | undefined {
  if (self === undefined) {
    try {
      const startTicks = startTicksOf(process.pid);
      self = startTicks
        ? {
            pid: process.pid,
            startTicks,
            boot: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
            pidNamespace: readlinkSync('/proc/self/ns/pid'),
          }
        : null;
    } catch {
      self = null;
    }
  }
  return self ?? undefined;
}

function startTicksOf(pid: number): string | undefined {
  try {
    return startTicksFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The label value naming this process, or undefined where it cannot be named. */
export function ownerLabel(): string | undefined {
  const owner = thisProcess();
  return owner ? formatOwner(owner) : undefined;
}

/** Whether the process a label names still runs ('unknown' when it cannot be seen from here). */
export function ownerState(label: string | undefined): 'alive' | 'gone' | 'unknown' {
  return ownerLiveness(label, thisProcess(), startTicksOf);
}
