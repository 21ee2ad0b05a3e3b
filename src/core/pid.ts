// Process IDs given by the user (a flag, an argument, a TUI key): one rule for what is a
// pid, and one message when it is not.
import { RemoraError } from './errors.js';

/** A pid: a positive whole number, from decimal digits only (no "0x1f", "1e3" or "+7"). */
function asPid(value: string | number): number | undefined {
  const pid = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function notAPid(value: string | number, hint: string): RemoraError {
  return new RemoraError('USAGE', `"${value}" is not a process ID`, { hint });
}

/** One pid, or a USAGE error that says how to find one. */
export function parsePid(value: string | number): number {
  const pid = asPid(value);
  if (pid === undefined) throw notAPid(value, 'give a pid as the target sees it (remora ps lists them)');
  return pid;
}

/** `-p 7 -p 9` and `-p 7,9` alike, as strace takes them; undefined when none is given. */
export function parsePidList(values: readonly (string | number)[] | undefined): number[] | undefined {
  if (!values?.length) return undefined;
  const items = values.flatMap((v): (string | number)[] => (typeof v === 'number' ? [v] : v.split(/[,\s]+/).filter(Boolean)));
  return items.map((item) => {
    const pid = asPid(item);
    if (pid === undefined) throw notAPid(item, 'give pids as the target sees them (remora ps lists them)');
    return pid;
  });
}
