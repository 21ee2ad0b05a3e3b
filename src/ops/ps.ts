// The target's processes in one exec, whatever their number: a POSIX-sh script (busybox
// will do) dumps what the parsers need of /proc for every pid; core/ps-dump.ts parses it.
// %CPU is over each process's lifetime (as procps `ps` and `docker top` give it, with no
// wait) unless a sampling interval is asked for, or a previous listing is passed.
import { parsePsDump, parsePsHelperOutput, type ProcessListing } from '../core/ps-dump.js';
import { RemoraError } from '../core/errors.js';
import { decodeTargetBytes } from '../core/target-text.js';
import type { ToolkitSession } from '../session/toolkit-session.js';
import { TOOLKIT_PIDS_SNIPPET, scriptExec, targetAccountsSnippet } from './toolkit-script.js';

/**
 * $1 = the target's root (for its /etc/passwd), $2 = the sampling interval in ms.
 * Sample A (times of every process), then the slow part (status lines, argv, passwd, which
 * pids are the toolkit's), then a sleep for what is left of the interval, then sample B.
 * One grep reads thousands of files; `-a` keeps GNU grep from calling argv "binary", `-s`
 * drops files of processes that exit meanwhile. Toolkit processes share the toolkit's
 * mount namespace: `-ef` compares the namespace files without forking.
 */
export const PS_SCRIPT = `
export LC_ALL=C
root=$1
ms=$2
read -r u0 _ < /proc/uptime
grep -azsH '' /proc/uptime /proc/[0-9]*/stat
printf '@phase:main\\0'
printf '@clk:%s\\0' "$(getconf CLK_TCK 2>/dev/null || echo 100)"
grep -azsH '' /proc/stat
printf '@status:'
grep -asH -e '^Name:' -e '^Pid:' -e '^Uid:' -e '^Gid:' -e '^VmRSS:' /proc/[0-9]*/status
printf '\\0'
grep -azsH '' /proc/[0-9]*/cmdline
${targetAccountsSnippet(['passwd'])}
${TOOLKIT_PIDS_SNIPPET}
read -r u1 _ < /proc/uptime
# /proc/uptime has two decimals: dropping the dot gives centiseconds.
left=$(( ms / 10 - (\${u1%.*}\${u1#*.} - \${u0%.*}\${u0#*.}) ))
if [ "$left" -gt 0 ]; then sleep "$(printf '%d.%02d' $((left / 100)) $((left % 100)))"; fi
printf '@phase:end\\0'
grep -azsH '' /proc/uptime /proc/[0-9]*/stat
exit 0
`.trim();

/**
 * The remora-ps helper of Remora's toolkit image when it is there (faster on 1,000 processes,
 * and nanosecond CPU times); PS_SCRIPT in any other toolkit (busybox, netshoot), whose
 * 10 ms clock ticks make a short interval coarse. $1 root, $2 interval in ms (0: one sample).
 */
const PS_COMMAND = `if command -v remora-ps >/dev/null 2>&1; then exec remora-ps "$1" "$2"; fi\n${PS_SCRIPT}`;

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
  const { cmd, env } = scriptExec('remora-ps', PS_COMMAND, [session.targetRoot, sampleMs]);
  const result = await session.run(cmd, { env, signal: options.signal });
  if (result.exitCode !== 0) {
    const said = result.stderr.trim().split('\n')[0];
    throw new RemoraError('EXEC_FAILED', `listing processes failed in the toolkit (exit ${result.exitCode})${said ? `: ${said}` : ''}`);
  }
  const parseOptions = {
    targetRoot: session.targetRoot,
    includeToolkit: options.includeToolkit,
    previous: options.previous,
    lifetime: sampleMs === 0,
  };
  // The helper answers in JSON; PS_SCRIPT in records that start with a path.
  return result.stdout[0] === 0x7b
    ? parsePsHelperOutput(decodeTargetBytes(result.stdout), parseOptions)
    : parsePsDump(result.stdout, parseOptions);
}
