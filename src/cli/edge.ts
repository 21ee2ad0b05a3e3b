// The CLI's outer edge: runs a command, turns any failure into one line (plus a hint and
// candidate lines) on stderr and the documented exit code. Stacks only with --debug.
import { EXIT, exitCodeFor, isRemoraError } from '../core/errors.js';
import { terminalSafe } from '../core/target-text.js';
import { STDOUT_CLOSED_EXIT, isClosedOutput, stdoutClosed, watchOutputClosed } from './stdout-closed.js';

export function describeFailure(error: unknown, debug: boolean): { lines: string[]; exitCode: number } {
  if (isRemoraError(error)) {
    // Messages quote target paths and names: one line each, nothing a terminal would act on.
    const lines = [`remora: ${terminalSafe(error.message)}`];
    for (const detail of error.details) lines.push(`  ${terminalSafe(detail)}`);
    if (error.hint) lines.push(`hint: ${terminalSafe(error.hint)}`);
    if (debug) lines.push(stackOf(error));
    return { lines, exitCode: exitCodeFor(error.code) };
  }
  const commanderCode = (error as { code?: string }).code;
  if (typeof commanderCode === 'string' && commanderCode.startsWith('commander.')) {
    // commander already printed its own message.
    return { lines: [], exitCode: (error as { exitCode?: number }).exitCode ?? EXIT.USAGE };
  }
  const message = error instanceof Error ? error.message : String(error);
  const lines = [`remora: unexpected failure: ${terminalSafe(message.split('\n')[0] ?? '')}`];
  lines.push(debug ? stackOf(error) : 'hint: run again with --debug for details, and report it if it persists');
  return { lines, exitCode: EXIT.FAILED };
}

function stackOf(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    parts.push(current.stack ?? current.message);
    current = current.cause;
  }
  return parts.join('\ncaused by: ');
}

/** Runs an action; resolves to the exit code without ever throwing. A closed stdout ends it with STDOUT_CLOSED_EXIT. */
export async function runAction(action: () => Promise<number | void>, debug: boolean): Promise<number> {
  watchOutputClosed();
  try {
    const code = (await action()) ?? 0;
    // A failed write reports its EPIPE on a later tick: let it come before deciding.
    await new Promise((resolve) => setImmediate(resolve));
    return stdoutClosed() ? STDOUT_CLOSED_EXIT : code;
  } catch (error) {
    // What failed because the reader went away is that same quiet stop.
    if (stdoutClosed() && isClosedOutput(error)) return STDOUT_CLOSED_EXIT;
    const { lines, exitCode } = describeFailure(error, debug);
    for (const line of lines) process.stderr.write(`${line}\n`);
    return exitCode;
  }
}
