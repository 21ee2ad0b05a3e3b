// The sockets of the target's network namespace with their owning processes, from one exec:
// /proc/net/* as the toolkit (which shares that namespace) sees them, and an inode -> pid
// map from every /proc/<pid>/fd link. Works with a busybox toolkit too (no ss needed).
import { RemoraError } from '../core/errors.js';
import { procFileOf, splitDump } from '../core/proc-dump.js';
import { attachSocketOwners, parseProcNetSockets, parseProcStat } from '../core/proc-parsers.js';
import { sortSockets } from '../core/socket-table.js';
import type { SocketInfo, SocketProtocol } from '../core/socket-types.js';
import type { ToolkitSession } from '../session/toolkit-session.js';
import { TOOLKIT_PIDS_SNIPPET, scriptExec } from './toolkit-script.js';

const PROTOCOLS: SocketProtocol[] = ['tcp', 'tcp6', 'udp', 'udp6', 'unix'];

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
    throw new RemoraError('EXEC_FAILED', `listing sockets failed in the toolkit (exit ${result.exitCode}): ${result.stderr.trim().split('\n')[0] ?? ''}`);
  }
  return parseNetDump(result.stdout);
}

/** Pure: NET_SCRIPT's output as sockets, listening first, each with its owner when known. */
export function parseNetDump(dump: Buffer | string): SocketInfo[] {
  const sockets: SocketInfo[] = [];
  const names = new Map<number, string>();
  const toolkit = new Set<number>();
  let fdLines = '';
  for (const record of splitDump(dump)) {
    if (record.path === '@toolkit') toolkit.add(Number(record.content));
    else if (record.path === '@fds') fdLines = record.content;
    else if (record.path.startsWith('/proc/net/')) {
      const protocol = record.path.slice('/proc/net/'.length) as SocketProtocol;
      if (PROTOCOLS.includes(protocol)) sockets.push(...parseProcNetSockets(record.content, protocol));
    } else {
      const where = procFileOf(record.path);
      const stat = where?.file === 'stat' ? parseProcStat(record.content) : undefined;
      if (stat) names.set(stat.pid, stat.comm);
    }
  }

  // inode -> owner. A socket shared after fork has several: the target's before the
  // toolkit's, then the lowest pid (the parent, usually).
  const owners = new Map<number, number>();
  for (const line of fdLines.split('\n')) {
    const m = /^(\/proc\/\d+\/fd\/\d+) socket (\d+)$/.exec(line);
    if (!m) continue;
    const pid = procFileOf(m[1]!)!.pid;
    const inode = Number(m[2]);
    const current = owners.get(inode);
    if (current === undefined || preferred(pid, current, toolkit)) owners.set(inode, pid);
  }
  const named = new Map<number, { pid: number; process: string }>();
  for (const [inode, pid] of owners) {
    const name = names.get(pid) ?? '?';
    named.set(inode, { pid, process: toolkit.has(pid) ? `${name} [toolkit]` : name });
  }
  return sortSockets(attachSocketOwners(sockets, named));
}

function preferred(candidate: number, current: number, toolkit: Set<number>): boolean {
  const a = toolkit.has(candidate);
  const b = toolkit.has(current);
  if (a !== b) return !a;
  return candidate < current;
}
