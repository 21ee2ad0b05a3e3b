// toolkit-scripts/proc.sh's output parsed: one process in depth. Pure.
import { groupByPid, splitDump } from './proc-dump.js';
import type { FdKind, OpenFd, ProcessDetails } from './process-details.js';
import {
  parseCapabilities,
  parseCmdline,
  parseEnviron,
  parseGroup,
  parseLimits,
  parsePasswd,
  parseProcNetSockets,
  parseProcStat,
  parseProcStatus,
  parseSocketInode,
} from './proc-parsers.js';
import { maskSecretEnv } from './secrets.js';
import type { SocketInfo, SocketProtocol } from './socket-types.js';

const SOCKET_FILES: SocketProtocol[] = ['tcp', 'tcp6', 'udp', 'udp6', 'unix'];

/** Pure: proc.sh's output as ProcessDetails; undefined when the process was gone. */
export function parseProcDump(
  dump: Buffer | string,
  options: { pid: number; targetRoot: string; showSecrets?: boolean },
): ProcessDetails | undefined {
  const records = splitDump(dump);
  const files = groupByPid(records).get(options.pid) ?? new Map<string, string>();
  const stat = parseProcStat(files.get('stat') ?? '');
  const status = parseProcStatus(files.get('status') ?? '');
  if (!stat || !status) return undefined;

  let clockTicks = 100;
  let bootTime = 0;
  let toolkit = false;
  let users = new Map<number, string>();
  let groupNames = new Map<number, string>();
  const denied: string[] = [];
  const links = new Map<string, string>();
  for (const record of records) {
    switch (record.path) {
      case '@clk':
        clockTicks = Number(record.content) > 0 ? Number(record.content) : 100;
        break;
      case '@toolkit':
        toolkit = true;
        break;
      case '@denied':
        denied.push(record.content);
        break;
      case '@link': {
        const space = record.content.indexOf(' ');
        // find prints an empty target for a link it may not read: that is "not readable".
        if (space > 0 && space < record.content.length - 1) links.set(record.content.slice(0, space), record.content.slice(space + 1));
        break;
      }
      case '/proc/stat':
        bootTime = Number(/^btime (\d+)$/m.exec(record.content)?.[1] ?? 0);
        break;
      case `${options.targetRoot}/etc/passwd`:
        users = parsePasswd(record.content);
        break;
      case `${options.targetRoot}/etc/group`:
        groupNames = parseGroup(record.content);
        break;
    }
  }

  const base = `/proc/${options.pid}`;
  const sockets = new Map<number, SocketInfo>();
  for (const protocol of SOCKET_FILES) {
    for (const socket of parseProcNetSockets(files.get(`net/${protocol}`) ?? '', protocol)) {
      if (socket.inode !== 0) sockets.set(socket.inode, socket);
    }
  }
  const fds: OpenFd[] = [];
  const namespaces: Array<{ type: string; id: string }> = [];
  for (const [path, target] of links) {
    if (path.startsWith(`${base}/fd/`)) {
      const fd = Number(path.slice(`${base}/fd/`.length));
      if (Number.isInteger(fd)) fds.push(describeFd(fd, target, sockets));
    } else if (path.startsWith(`${base}/ns/`)) {
      namespaces.push({ type: path.slice(`${base}/ns/`.length), id: target });
    }
  }
  fds.sort((a, b) => a.fd - b.fd);
  namespaces.sort((a, b) => a.type.localeCompare(b.type));

  const unreadable = denied.map(
    (what) => `${what}: permission denied (the toolkit needs SYS_PTRACE for another user's process: --profile general)`,
  );
  const environ = files.get('environ');
  let environment: Array<[string, string]> | undefined;
  let maskedSecrets = 0;
  if (!denied.includes('environment')) {
    const entries = parseEnviron(environ ?? '');
    environment = maskSecretEnv(entries, options.showSecrets ?? false);
    maskedSecrets = environment.filter(([, value], i) => value !== entries[i]![1]).length;
  }

  const details: ProcessDetails = {
    pid: options.pid,
    ppid: stat.ppid,
    name: stat.comm,
    state: stat.state,
    stateName: status.stateName,
    toolkit,
    command: parseCmdline(files.get('cmdline') ?? ''),
    maskedSecrets,
    uid: status.uid,
    gid: status.gid,
    groups: status.groups.map((id) => withName(id, groupNames)),
    capabilities: {
      effective: parseCapabilities(status.capEff),
      permitted: parseCapabilities(status.capPrm),
      inheritable: parseCapabilities(status.capInh),
      bounding: parseCapabilities(status.capBnd),
      ambient: parseCapabilities(status.capAmb ?? 0n),
    },
    tracerPid: status.tracerPid,
    threads: status.threads,
    rssKiB: status.vmRssKiB ?? 0,
    startedAt: new Date((bootTime + stat.starttime / clockTicks) * 1000).toISOString(),
    limits: parseLimits(files.get('limits') ?? ''),
    cgroups: (files.get('cgroup') ?? '').split('\n').filter((line) => line !== ''),
    namespaces,
    unreadable,
  };
  const exe = links.get(`${base}/exe`);
  if (exe !== undefined) details.executable = exe;
  const cwd = links.get(`${base}/cwd`);
  if (cwd !== undefined) details.cwd = cwd;
  const root = links.get(`${base}/root`);
  if (root !== undefined) details.root = root;
  if (environment) details.environment = environment;
  const user = users.get(status.uid.real);
  if (user !== undefined) details.user = user;
  const group = groupNames.get(status.gid.real);
  if (group !== undefined) details.group = group;
  if (status.noNewPrivs !== undefined) details.noNewPrivs = status.noNewPrivs;
  if (status.seccomp !== undefined) details.seccomp = status.seccomp;
  if (!denied.includes('open files')) details.fds = fds;
  return details;
}

function withName(id: number, names: Map<number, string>): { id: number; name?: string } {
  const name = names.get(id);
  return name === undefined ? { id } : { id, name };
}

/** What an fd link points at, in a word and a line. */
export function describeFd(fd: number, target: string, sockets: Map<number, SocketInfo>): OpenFd {
  const inode = parseSocketInode(target);
  if (inode !== undefined) {
    const socket = sockets.get(inode);
    if (!socket) return { fd, target, kind: 'socket', description: `socket (inode ${inode}, not in this network namespace's tables)` };
    const where =
      socket.protocol === 'unix'
        ? socket.local || '(unnamed)'
        : socket.peer && !/^(0\.0\.0\.0|\[::\]):0$/.test(socket.peer)
          ? `${socket.local} -> ${socket.peer}`
          : socket.local;
    const kind = socket.protocol === 'unix' && socket.socketType ? `unix/${socket.socketType}` : socket.protocol;
    return { fd, target, kind: 'socket', socket, description: `${kind} ${where} ${socket.state}` };
  }
  const kind: FdKind = /^pipe:\[\d+\]$/.test(target)
    ? 'pipe'
    : target.startsWith('anon_inode:')
      ? 'anon'
      : target.startsWith('/dev/')
        ? 'device'
        : target.startsWith('/')
          ? 'file'
          : 'other';
  const description = kind === 'pipe' ? `pipe ${target.slice(5)}` : kind === 'anon' ? target.slice('anon_inode:'.length) : target;
  return { fd, target, kind, description };
}
