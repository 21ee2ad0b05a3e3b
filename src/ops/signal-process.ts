// Sends a signal to one of the target's processes from its toolkit session (the general
// profile grants KILL): the TUI's `k`, after it asked. Or to the toolkit commands remora
// started with a tag (a command whose reader went away).
import { RemoraError } from '../core/errors.js';
import { parsePid } from '../core/pid.js';
import type { ToolkitSession } from '../session/toolkit-session.js';
import { scriptExec } from '../toolkit-scripts/scripts.js';

const SIGNAL_NAME = /^[A-Z][A-Z0-9]{1,9}$/;

export async function signalProcess(session: ToolkitSession, pid: number, signal: string): Promise<void> {
  const name = signal.replace(/^SIG/, '');
  if (!SIGNAL_NAME.test(name)) throw new RemoraError('USAGE', `"${signal}" is not a signal name`);
  parsePid(pid);
  const result = await session.run(['kill', `-${name}`, String(pid)]);
  if (result.exitCode === 0) return;
  const said = result.stderr.trim().split('\n').pop() ?? '';
  if (/no such process/i.test(said))
    throw new RemoraError('PROCESS_NOT_FOUND', `no process ${pid} in ${session.target.name} (it may have exited)`);
  if (/not permitted|permission/i.test(said)) {
    throw new RemoraError('PERMISSION_DENIED', `not allowed to signal process ${pid}`, {
      hint: session.profile.name === 'restricted' ? 'the restricted profile has no KILL capability; use --profile general' : undefined,
    });
  }
  throw new RemoraError('OPERATION_FAILED', `kill -${name} ${pid} failed: ${said || `exit ${result.exitCode}`}`);
}

/** The environment entry that tags a toolkit command (and what it starts) for signalTagged. */
export function execTag(tag: string): string {
  return `REMORA_EXEC_ID=${tag}`;
}

/**
 * Signals the toolkit commands started with execTag(tag). The engine gives no way to
 * signal an exec, and closing its stream leaves the command blocked on a full pipe.
 */
export async function signalTagged(session: ToolkitSession, tag: string, signal: 'PIPE' | 'TERM' | 'KILL'): Promise<void> {
  const { cmd, env } = scriptExec('signal-tagged', [execTag(tag), signal]);
  await session.run(cmd, { env });
}
