// One process in depth (`remora proc`, the TUI's details pane), from one exec: a POSIX-sh
// script dumps /proc/<pid> (and the sockets of its network namespace, the target's passwd
// and group); core/proc-details-dump.ts parses it.
import { RemoraError } from '../core/errors.js';
import { parseProcDump } from '../core/proc-details-dump.js';
import type { ProcessDetails } from '../core/process-details.js';
import type { ToolkitSession } from '../session/toolkit-session.js';
import { scriptExec, targetAccountsSnippet, toolkitProcessTest } from './toolkit-script.js';

/** The script's exit status for "no such process". */
const GONE = 3;

/**
 * $1 = pid, $2 = the target's root. Links (exe, cwd, root, ns/*, fd/*) go through GNU
 * find's -printf when there is one (one process however many fds), else readlink each.
 * What cannot be opened for lack of privilege is said as "@denied:WHAT" (tested with `true`,
 * not `:`: a failed redirection on a special builtin would end the shell).
 */
export const PROC_SCRIPT = `
export LC_ALL=C
p=$1
root=$2
[ -e "/proc/$p/stat" ] || exit ${GONE}
grep -azsH '' /proc/$p/stat /proc/$p/status /proc/$p/cmdline /proc/$p/environ /proc/$p/limits /proc/$p/cgroup \\
  /proc/$p/net/tcp /proc/$p/net/tcp6 /proc/$p/net/udp /proc/$p/net/udp6 /proc/$p/net/unix \\
  /proc/stat
${targetAccountsSnippet(['passwd', 'group'])}
printf '@clk:%s\\0' "$(getconf CLK_TCK 2>/dev/null || echo 100)"
{ ${toolkitProcessTest('/proc/$p')}; } 2>/dev/null && printf '@toolkit:1\\0'
{ true < "/proc/$p/environ"; } 2>/dev/null || printf '@denied:environment\\0'
{ true < "/proc/$p/fd"; } 2>/dev/null || printf '@denied:open files\\0'
if find /proc/self/exe -maxdepth 0 -printf '' >/dev/null 2>&1; then
  find "/proc/$p/exe" "/proc/$p/cwd" "/proc/$p/root" -maxdepth 0 -printf '@link:%p %l\\0' 2>/dev/null
  find "/proc/$p/ns" "/proc/$p/fd" -mindepth 1 -maxdepth 1 -printf '@link:%p %l\\0' 2>/dev/null
else
  for l in "/proc/$p/exe" "/proc/$p/cwd" "/proc/$p/root" "/proc/$p/ns/"* "/proc/$p/fd/"*; do
    t=$(readlink "$l") && printf '@link:%s %s\\0' "$l" "$t"
  done 2>/dev/null
fi
[ -e "/proc/$p/stat" ] || exit ${GONE}
exit 0
`.trim();

export async function inspectProcess(
  session: ToolkitSession,
  pid: number,
  options: { showSecrets?: boolean; signal?: AbortSignal } = {},
): Promise<ProcessDetails> {
  const { cmd, env } = scriptExec('remora-proc', PROC_SCRIPT, [pid, session.targetRoot]);
  const result = await session.run(cmd, { env, signal: options.signal });
  if (result.exitCode === GONE) throw processGone(pid, session.target.name);
  if (result.exitCode !== 0) {
    throw new RemoraError(
      'EXEC_FAILED',
      `reading process ${pid} failed in the toolkit (exit ${result.exitCode}): ${result.stderr.trim().split('\n')[0] ?? ''}`,
    );
  }
  const details = parseProcDump(result.stdout, { pid, targetRoot: session.targetRoot, showSecrets: options.showSecrets });
  if (!details) throw processGone(pid, session.target.name);
  return details;
}

function processGone(pid: number, target: string): RemoraError {
  return new RemoraError('PROCESS_NOT_FOUND', `no process ${pid} in ${target} (it may have exited)`, {
    hint: `list the processes with: remora ps ${target}`,
  });
}
