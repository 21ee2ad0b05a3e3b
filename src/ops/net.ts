// The sockets of the target's network namespace with their owning processes, from one exec:
// /proc/net/* as the toolkit (which shares that namespace) sees them, and an inode -> pid
// map from every /proc/<pid>/fd link. Works with a busybox toolkit too (no ss needed).
import { RemoraError } from '../core/errors.js';
import { parseNetDump } from '../core/net-dump.js';
import type { SocketInfo } from '../core/socket-types.js';
import type { ToolkitSession } from '../session/toolkit-session.js';
import { TOOLKIT_PIDS_SNIPPET, scriptExec } from './toolkit-script.js';

/**
 * The socket tables, every process's stat (for its name), which pids are the toolkit's,
 * then "PATH TYPE INODE" for every fd: stat -L on /proc/<pid>/fd/<n> gives a socket's
 * inode without parsing link text; the paths come from a builtin printf through xargs, so
 * no argument list is ever too long.
 */
export const NET_SCRIPT = `
export LC_ALL=C
grep -azsH '' /proc/net/tcp /proc/net/tcp6 /proc/net/udp /proc/net/udp6 /proc/net/unix /proc/[0-9]*/stat
${TOOLKIT_PIDS_SNIPPET}
printf '@fds:'
printf '%s\\0' /proc/[0-9]*/fd/* | xargs -0 stat -L -c '%n %F %i' 2>/dev/null
printf '\\0'
exit 0
`.trim();

export async function listSockets(session: ToolkitSession, signal?: AbortSignal): Promise<SocketInfo[]> {
  const { cmd, env } = scriptExec('remora-net', NET_SCRIPT, []);
  const result = await session.run(cmd, { env, signal });
  if (result.exitCode !== 0) {
    throw new RemoraError(
      'EXEC_FAILED',
      `listing sockets failed in the toolkit (exit ${result.exitCode}): ${result.stderr.trim().split('\n')[0] ?? ''}`,
    );
  }
  return parseNetDump(result.stdout);
}
