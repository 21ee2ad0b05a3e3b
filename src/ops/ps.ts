// The target's processes in one exec, whatever their number: remora-ps, or a POSIX-sh
// script in another toolkit (see toolkit-scripts/ps.sh); core/ps-dump.ts parses either.
// %CPU is over each process's lifetime (as procps `ps` and `docker top` give it, with no
// wait) unless a sampling interval is asked for, or a previous listing is passed.
import { parsePsDump, parsePsHelperOutput, type ProcessListing } from '../core/ps-dump.js';
import { RemoraError } from '../core/errors.js';
import { decodeTargetBytes } from '../core/target-text.js';
import type { ToolkitSession } from '../session/toolkit-session.js';
import { scriptExec } from '../toolkit-scripts/scripts.js';

export interface ListProcessesOptions {
  /** Include the toolkit's own processes (marked `toolkit`). */
  includeToolkit?: boolean;
  /**
   * CPU sampling interval, for %CPU as `top` shows it. 0 or none takes one sample: %CPU
   * is then measured since `previous`, or over each process's lifetime (intervalSeconds 0).
   */
  sampleMs?: number;
  /**
   * The previous listing, for a view that refreshes: %CPU is then measured since it, and
   * the listing need not wait for an interval of its own (pass sampleMs: 0).
   */
  previous?: ProcessListing;
  signal?: AbortSignal;
}

export async function listProcesses(session: ToolkitSession, options: ListProcessesOptions = {}): Promise<ProcessListing> {
  const sampleMs = options.previous ? 0 : Math.max(0, Math.round(options.sampleMs ?? 0));
  const { cmd, env } = scriptExec('ps', [session.targetRoot, sampleMs]);
  const result = await session.run(cmd, { env, signal: options.signal });
  if (result.exitCode !== 0) {
    const said = result.stderr.trim().split('\n')[0];
    throw new RemoraError(
      'TOOLKIT_COMMAND_FAILED',
      `listing processes failed in the toolkit (exit ${result.exitCode})${said ? `: ${said}` : ''}`,
    );
  }
  const parseOptions = {
    targetRoot: session.targetRoot,
    includeToolkit: options.includeToolkit,
    previous: options.previous,
    lifetime: sampleMs === 0,
  };
  // The helper answers in JSON; the script in records that start with a path.
  return result.stdout[0] === 0x7b
    ? parsePsHelperOutput(decodeTargetBytes(result.stdout), parseOptions)
    : parsePsDump(result.stdout, parseOptions);
}
