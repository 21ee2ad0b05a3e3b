// The toolkit container's memory and pids limits: what a target's hostile content (a
// passwd linked to /dev/zero, a fork bomb it tricks a tool into) can cost the host at
// most. Sized so strace -f and gdb on a real process fit (see the README); raised with
// --toolkit-memory / --toolkit-pids. Pure: parsing as the docker CLI parses `--memory`.
import { RemoraError } from './errors.js';

export interface ToolkitLimits {
  /** Bytes of memory (swap included: the same figure, as `--memory-swap` = `--memory`). */
  memoryBytes: number;
  /** Most processes and threads at once. */
  pids: number;
}

export const DEFAULT_TOOLKIT_MEMORY = '512m';
export const DEFAULT_TOOLKIT_PIDS = '1024';

/** Below these a toolkit cannot do its job (the engine itself refuses less than 6 MiB). */
const MIN_MEMORY_BYTES = 64 * 1024 * 1024;
const MIN_PIDS = 16;

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** "512m", "1g", "1.5GiB", "268435456" (bytes) as docker's `--memory` takes them. */
export function parseMemorySize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)(?:i?b)?$/i.exec(text.trim());
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new RemoraError('USAGE', `"${text}" is not a memory size`, { hint: 'write it as docker --memory does: 512m, 1g, 2048m' });
  }
  const bytes = Math.floor(Number(match[1]) * unit);
  if (bytes < MIN_MEMORY_BYTES)
    throw new RemoraError('USAGE', `--toolkit-memory ${text} is too small for a toolkit`, {
      hint: 'give it at least 64m; the default is 512m',
    });
  return bytes;
}

export function parsePidsLimit(text: string): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(value) || value < MIN_PIDS) {
    throw new RemoraError('USAGE', `"${text}" is not a pids limit`, {
      hint: `give a whole number of at least ${MIN_PIDS}; the default is ${DEFAULT_TOOLKIT_PIDS}`,
    });
  }
  return value;
}

export function parseToolkitLimits(memory: string | undefined, pids: string | undefined): ToolkitLimits {
  return { memoryBytes: parseMemorySize(memory ?? DEFAULT_TOOLKIT_MEMORY), pids: parsePidsLimit(pids ?? DEFAULT_TOOLKIT_PIDS) };
}

/** "512MiB/1024 pids", as `sessions` shows them and the toolkit's label records them. */
export function formatToolkitLimits(limits: ToolkitLimits): string {
  return `${formatMemory(limits.memoryBytes)}/${limits.pids} pids`;
}

function formatMemory(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return bytes >= 1024 ** 2 ? `${(bytes / 1024 ** 2).toFixed(1)}MiB` : `${bytes}B`;
}
