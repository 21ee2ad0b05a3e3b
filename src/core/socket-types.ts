// A socket as Remora lists it (net, the TUI's sockets pane), parsed from /proc/net/* and
// tied to a process through the inode its /proc/<pid>/fd links point at.

export type SocketProtocol = 'tcp' | 'tcp6' | 'udp' | 'udp6' | 'unix';

export interface SocketInfo {
  protocol: SocketProtocol;
  /** LISTEN, ESTABLISHED, TIME_WAIT, ... as ss names them; UNCONN for unconnected UDP and unix. */
  state: string;
  /** "127.0.0.1:8080", "[::1]:8080"; for unix the bound path ("@name" if abstract) or "". */
  local: string;
  /** "0.0.0.0:0" when there is no peer; always "" for unix (the kernel does not say). */
  peer: string;
  localPort?: number;
  peerPort?: number;
  /** 0 for TIME_WAIT entries, which no longer belong to a file. */
  inode: number;
  uid?: number;
  /** For unix sockets. */
  socketType?: 'stream' | 'dgram' | 'seqpacket';
  pid?: number;
  process?: string;
}
