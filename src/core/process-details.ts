// One process in depth, as `remora proc` and the TUI's details pane show it. Data only;
// ops/proc.ts assembles it from one dump of /proc/<pid>.
import type { IdSet, ResourceLimit } from './proc-parsers.js';
import type { SocketInfo } from './socket-types.js';

export type FdKind = 'file' | 'socket' | 'pipe' | 'anon' | 'device' | 'other';

export interface OpenFd {
  fd: number;
  /** The link as the kernel shows it: "/data/app.log", "socket:[123]", "pipe:[456]". */
  target: string;
  kind: FdKind;
  /** For sockets found in the process's network namespace. */
  socket?: SocketInfo;
  /** A readable one-liner: "tcp 0.0.0.0:8080 LISTEN", "pipe", "/data/app.log (deleted)". */
  description: string;
}

export interface NamedId {
  id: number;
  name?: string;
}

export interface ProcessDetails {
  pid: number;
  ppid: number;
  /** comm (at most 15 characters). */
  name: string;
  state: string;
  stateName: string;
  /** One of the toolkit's own processes. */
  toolkit: boolean;
  /** Absent when not readable (another user's process without SYS_PTRACE) or a kernel thread. */
  executable?: string;
  cwd?: string;
  /** The process's root directory, "/" unless it chrooted. */
  root?: string;
  command: string[];
  /** Name/value pairs, secret values masked unless asked; absent when not readable. */
  environment?: Array<[string, string]>;
  /** How many values were masked. */
  maskedSecrets: number;
  uid: IdSet;
  gid: IdSet;
  /** Names from the target's /etc/passwd and /etc/group, where it has them. */
  user?: string;
  group?: string;
  groups: NamedId[];
  capabilities: {
    effective: string[];
    permitted: string[];
    inheritable: string[];
    bounding: string[];
    ambient: string[];
  };
  noNewPrivs?: boolean;
  /** 0 off, 1 strict, 2 filter. */
  seccomp?: number;
  tracerPid: number;
  threads: number;
  rssKiB: number;
  startedAt: string;
  /** Absent when not readable. */
  fds?: OpenFd[];
  limits: ResourceLimit[];
  /** /proc/<pid>/cgroup lines: "0::/", "12:memory:/docker/<id>". */
  cgroups: string[];
  /** type → "mnt:[4026532288]". */
  namespaces: Array<{ type: string; id: string }>;
  /** What could not be read, in words ("environment: permission denied"). */
  unreadable: string[];
}
