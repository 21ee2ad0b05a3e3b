// toolkit-scripts/net.sh's output parsed: the sockets of a network namespace with their
// owning processes. Pure.
import { procFileOf, splitDump } from './proc-dump.js';
import { attachSocketOwners, parseProcNetSockets, parseProcStat } from './proc-parsers.js';
import { sortSockets } from './socket-table.js';
import type { SocketInfo, SocketProtocol } from './socket-types.js';

const PROTOCOLS: SocketProtocol[] = ['tcp', 'tcp6', 'udp', 'udp6', 'unix'];

/** Pure: net.sh's output as sockets, listening first, each with its owner when known. */
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
