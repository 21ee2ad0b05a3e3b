// Sends a signal to one of the target's processes from its toolkit session (the general
// profile grants KILL): the TUI's `k`, after it asked.
import { RemoraError } from '../core/errors.js';
import type { ToolkitSession } from '../session/toolkit-session.js';

const SIGNAL_NAME = /^[A-Z][A-Z0-9]{1,9}$/;

export async function signalProcess(session: ToolkitSession, pid: number, signal: string): Promise<void> {
  const name = signal.replace(/^SIG/, '');
  if (!SIGNAL_NAME.test(name)) throw new RemoraError('USAGE', `"${signal}" is not a signal name`);
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new RemoraError('USAGE', `"${pid}" is not a process ID`);
  const result = await session.run(['kill', `-${name}`, String(pid)]);
  if (result.exitCode === 0) return;
  const said = result.stderr.trim().split('\n').pop() ?? '';
  if (/no such process/i.test(said)) throw new RemoraError('PROCESS_NOT_FOUND', `no process ${pid} in ${session.target.name} (it may have exited)`);
  if (/not permitted|permission/i.test(said)) {
    throw new RemoraError('PERMISSION_DENIED', `not allowed to signal process ${pid}`, { hint: session.profile.name === 'restricted' ? 'the restricted profile has no KILL capability; use --profile general' : undefined });
  }
  throw new RemoraError('OPERATION_FAILED', `kill -${name} ${pid} failed: ${said || `exit ${result.exitCode}`}`);
}
