// Paths whose contents the engine (or the kernel) puts in a container at each start, over
// whatever the image has there: /proc, /sys, /dev and the files the engine bind-mounts
// into /etc. Comparing them with the image says nothing, so `remora diff` says why. Pure.
import { posix } from 'node:path';

const KERNEL_TREES: Record<string, string> = {
  '/proc': "the kernel's view of the processes, mounted at each start",
  '/sys': "the kernel's sysfs, mounted at each start",
  '/dev': 'device nodes the engine makes at each start',
};

const ENGINE_FILES = new Set(['/etc/hosts', '/etc/hostname', '/etc/resolv.conf']);

/** Why `path` has no image version to compare with, or undefined when it may have one. */
export function engineMadeReason(path: string): string | undefined {
  const absolute = posix.resolve('/', path);
  for (const [tree, what] of Object.entries(KERNEL_TREES))
    if (absolute === tree || absolute.startsWith(`${tree}/`)) return `${absolute} is under ${tree}, ${what}`;
  if (ENGINE_FILES.has(absolute)) return `${absolute} is written by the engine at each start (a bind mount of its own)`;
  return undefined;
}
