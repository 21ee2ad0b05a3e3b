// One process in depth (`remora proc`, the TUI's details pane), from one exec: a POSIX-sh
// script (toolkit-scripts/proc.sh) dumps /proc/<pid> (and the sockets of its network
// namespace, the target's passwd and group); core/proc-details-dump.ts parses it.
import { RemoraError } from '../core/errors.js';
import { parseProcDump } from '../core/proc-details-dump.js';
import type { ProcessDetails } from '../core/process-details.js';
import type { ToolkitSession } from '../session/toolkit-session.js';
import { PROCESS_GONE_STATUS, scriptExec } from '../toolkit-scripts/scripts.js';

export async function inspectProcess(
  session: ToolkitSession,
  pid: number,
  options: { showSecrets?: boolean; signal?: AbortSignal } = {},
): Promise<ProcessDetails> {
  const { cmd, env } = scriptExec('proc', [pid, session.targetRoot]);
  const result = await session.run(cmd, { env, signal: options.signal });
  if (result.exitCode === PROCESS_GONE_STATUS) throw processGone(pid, session.target.name);
  if (result.exitCode !== 0) {
    throw new RemoraError(
      'TOOLKIT_COMMAND_FAILED',
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
