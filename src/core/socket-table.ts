// Sockets as a table: listening first, then the rest, and the cells of each row; shared by
// `remora net` and the TUI's network view. Pure.
import type { SocketInfo, SocketProtocol } from './socket-types.js';

const PROTOCOL_ORDER: Record<SocketProtocol, number> = { tcp: 0, tcp6: 1, udp: 2, udp6: 3, unix: 4 };

/** Listening first (LISTEN, then bound UDP), then by protocol, local port or path, peer. */
export function sortSockets(sockets: readonly SocketInfo[]): SocketInfo[] {
  return [...sockets].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      PROTOCOL_ORDER[a.protocol] - PROTOCOL_ORDER[b.protocol] ||
      (a.localPort ?? 0) - (b.localPort ?? 0) ||
      a.local.localeCompare(b.local) ||
      a.peer.localeCompare(b.peer) ||
      a.inode - b.inode,
  );
}

function rank(s: SocketInfo): number {
  if (s.state === 'LISTEN') return 0;
  // An unconnected UDP socket bound to a port is how UDP servers listen.
  if ((s.protocol === 'udp' || s.protocol === 'udp6') && s.state === 'UNCONN') return 1;
  return 2;
}

export function isListening(s: SocketInfo): boolean {
  return rank(s) < 2;
}

export const SOCKET_COLUMNS = ['PROTO', 'STATE', 'LOCAL', 'PEER', 'PID', 'PROCESS'] as const;

export function formatSocketRow(s: SocketInfo): string[] {
  const proto = s.protocol === 'unix' && s.socketType ? `unix/${s.socketType}` : s.protocol;
  // No peer: "*", as ss prints it.
  const peer = s.peer === '' || /^(0\.0\.0\.0|\[::\]):0$/.test(s.peer) ? '*' : s.peer;
  return [proto, s.state, s.local || '-', peer, s.pid === undefined ? '-' : String(s.pid), s.process ?? '-'];
}
