// The sockets of the target's network namespace with their owning processes, from one exec:
// /proc/net/* as the toolkit (which shares that namespace) sees them, and an inode -> pid
// map from every /proc/<pid>/fd link (toolkit-scripts/net.sh). Works with a busybox
// toolkit too (no ss needed).
import { RemoraError } from '../core/errors.js';
import { parseNetDump } from '../core/net-dump.js';
import type { SocketInfo } from '../core/socket-types.js';
import type { ToolkitSession } from '../session/toolkit-session.js';
import { scriptExec } from '../toolkit-scripts/scripts.js';

export async function listSockets(session: ToolkitSession, signal?: AbortSignal): Promise<SocketInfo[]> {
  const { cmd, env } = scriptExec('net', []);
  const result = await session.run(cmd, { env, signal });
  if (result.exitCode !== 0) {
    throw new RemoraError(
      'TOOLKIT_COMMAND_FAILED',
      `listing sockets failed in the toolkit (exit ${result.exitCode}): ${result.stderr.trim().split('\n')[0] ?? ''}`,
    );
  }
  return parseNetDump(result.stdout);
}
