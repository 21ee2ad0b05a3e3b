// Parsers for what the toolkit reads from the target's /proc (and /etc/passwd, /etc/group)
// in one round trip. Pure: callers hand in file contents; a file that vanished gives undefined.
import type { ProcessInfo } from './process-types.js';
import { decodeTargetBytes } from './target-text.js';
import type { SocketInfo, SocketProtocol } from './socket-types.js';

/** /proc/<pid>/stat, the fields Remora uses; numbers are as the kernel prints them. */
export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** Clock ticks in user and kernel mode. */
  utime: number;
  stime: number;
  nice: number;
  numThreads: number;
  /** Clock ticks after boot. */
  starttime: number;
  /** Bytes. */
  vsize: number;
  /** Pages. */
  rss: number;
}

export function parseProcStat(text: string): ProcStat | undefined {
  // comm is printed raw between parens and may itself hold ") (" and spaces: the fields
  // start after the LAST ')'.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // fields[0] is field 3 of proc(5).
  const field = (n: number): number => Number(fields[n - 3]);
  if (!Number.isInteger(pid) || fields.length < 22) return undefined;
  return {
    pid,
    comm: text.slice(open + 1, close),
    state: fields[0]!,
    ppid: field(4),
    pgrp: field(5),
    session: field(6),
    utime: field(14),
    stime: field(15),
    nice: field(19),
    numThreads: field(20),
    starttime: field(22),
    vsize: field(23),
    rss: field(24),
  };
}

/** Real, effective, saved set and filesystem ids, as on the Uid: and Gid: lines. */
export interface IdSet {
  real: number;
  effective: number;
  saved: number;
  fs: number;
}

export interface ProcStatus {
  name: string;
  /** The letter, "S"; stateName is what follows it, "sleeping". */
  state: string;
  stateName: string;
  tgid: number;
  pid: number;
  ppid: number;
  /** Non-zero while a debugger (strace) is attached; 0 also when it sits outside our pid namespace. */
  tracerPid: number;
  uid: IdSet;
  gid: IdSet;
  groups: number[];
  /** The pid in each nested pid namespace, outermost first (NSpid:). */
  nsPid: number[];
  threads: number;
  /** Absent for kernel threads and zombies. */
  vmRssKiB?: number;
  capInh: bigint;
  capPrm: bigint;
  capEff: bigint;
  capBnd: bigint;
  /** Absent before Linux 4.3. */
  capAmb?: bigint;
  noNewPrivs?: boolean;
  /** 0 off, 1 strict, 2 filter. */
  seccomp?: number;
}

export function parseProcStatus(text: string): ProcStatus | undefined {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  const name = fields.get('Name');
  const pid = fields.get('Pid');
  if (name === undefined || pid === undefined) return undefined;
  const state = /^(\S+)\s*(?:\((.*)\))?$/.exec(fields.get('State') ?? '');
  const numbers = (key: string): number[] =>
    (fields.get(key) ?? '')
      .split(/\s+/)
      .filter((s) => s !== '')
      .map(Number);
  const ids = (key: string): IdSet => {
    const [real = -1, effective = real, saved = real, fs = real] = numbers(key);
    return { real, effective, saved, fs };
  };
  const cap = (key: string): bigint | undefined => {
    const value = fields.get(key);
    return value !== undefined && /^[0-9a-f]+$/i.test(value) ? BigInt(`0x${value}`) : undefined;
  };
  const status: ProcStatus = {
    // The kernel escapes only "\n" and "\\" in Name:.
    name: name.replace(/\\(n|\\)/g, (_, c: string) => (c === 'n' ? '\n' : '\\')),
    state: state?.[1] ?? '?',
    stateName: state?.[2] ?? '',
    tgid: Number(fields.get('Tgid') ?? pid),
    pid: Number(pid),
    ppid: Number(fields.get('PPid') ?? 0),
    tracerPid: Number(fields.get('TracerPid') ?? 0),
    uid: ids('Uid'),
    gid: ids('Gid'),
    groups: numbers('Groups'),
    nsPid: numbers('NSpid'),
    threads: Number(fields.get('Threads') ?? 1),
    capInh: cap('CapInh') ?? 0n,
    capPrm: cap('CapPrm') ?? 0n,
    capEff: cap('CapEff') ?? 0n,
    capBnd: cap('CapBnd') ?? 0n,
  };
  const rss = /^(\d+) kB$/.exec(fields.get('VmRSS') ?? '');
  if (rss) status.vmRssKiB = Number(rss[1]);
  const capAmb = cap('CapAmb');
  if (capAmb !== undefined) status.capAmb = capAmb;
  const noNewPrivs = fields.get('NoNewPrivs');
  if (noNewPrivs !== undefined) status.noNewPrivs = noNewPrivs === '1';
  const seccomp = fields.get('Seccomp');
  if (seccomp !== undefined) status.seccomp = Number(seccomp);
  return status;
}

/** Capability names by bit number, from linux/capability.h (CAP_LAST_CAP is 40 since 5.9). */
export const CAPABILITY_NAMES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

/**
 * Names of the bits set in a Cap* mask ("000001fffeffffff" or a bigint), lowest bit
 * first. Bits a newer kernel added are named CAP_UNKNOWN_<bit> rather than dropped.
 */
export function parseCapabilities(mask: string | bigint): string[] {
  let value: bigint;
  if (typeof mask === 'bigint') value = mask;
  else if (/^(0x)?[0-9a-f]+$/i.test(mask.trim())) value = BigInt(mask.trim().startsWith('0x') ? mask.trim() : `0x${mask.trim()}`);
  else return [];
  if (value < 0n) return [];
  const names: string[] = [];
  for (let bit = 0; value >> BigInt(bit) !== 0n; bit++) {
    if ((value >> BigInt(bit)) & 1n) names.push(CAPABILITY_NAMES[bit] ?? `CAP_UNKNOWN_${bit}`);
  }
  return names;
}

/** uid → name from /etc/passwd; the first entry for a uid wins, as with getpwuid. */
export function parsePasswd(text: string): Map<number, string> {
  return parseIdFile(text);
}

/** gid → name from /etc/group. */
export function parseGroup(text: string): Map<number, string> {
  return parseIdFile(text);
}

/**
 * How much of an account file is read (the toolkit's helpers cap it too): a target's
 * /etc/passwd is its own content and may be gigabytes. Users past it are shown by number.
 */
export const ACCOUNTS_MAX_BYTES = 4 << 20;

/** Whole lines within the cap: a line cut in half could name the wrong id. */
export function boundedAccountText(text: string): string {
  if (text.length < ACCOUNTS_MAX_BYTES / 4 && Buffer.byteLength(text) < ACCOUNTS_MAX_BYTES) return text;
  const head = Buffer.from(text).subarray(0, ACCOUNTS_MAX_BYTES).toString('utf8');
  const end = head.lastIndexOf('\n');
  return end < 0 ? '' : head.slice(0, end + 1);
}

function parseIdFile(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of boundedAccountText(text).split('\n')) {
    // name:password:id:...; skips comments, blank lines and NIS "+"/"-" entries.
    const [name, , id] = line.split(':');
    if (name === undefined || id === undefined || name === '' || /^[#+-]/.test(name) || !/^\d+$/.test(id)) continue;
    if (!names.has(Number(id))) names.set(Number(id), name);
  }
  return names;
}

/**
 * argv from /proc/<pid>/cmdline: NUL-separated, usually with a trailing NUL. A process that
 * rewrote its title (nginx, postgres, perl's $0) leaves one string with spaces and maybe NUL
 * padding; trailing empty strings are dropped, so an intentionally empty last argument is too.
 */
export function parseCmdline(content: Buffer | string): string[] {
  const parts = toText(content).split('\0');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** /proc/<pid>/environ as [name, value] pairs in order; an entry without '=' has value "". */
export function parseEnviron(content: Buffer | string): Array<[string, string]> {
  return parseCmdline(content)
    .filter((entry) => entry !== '')
    .map((entry) => {
      const eq = entry.indexOf('=');
      return eq < 0 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
    });
}

function toText(content: Buffer | string): string {
  return typeof content === 'string' ? content : decodeTargetBytes(content);
}

export interface ResourceLimit {
  /** As the kernel names it: "Max open files". */
  name: string;
  soft: number | 'unlimited';
  hard: number | 'unlimited';
  /** "files", "bytes", ...; "" where the kernel prints none (nice and realtime priority). */
  units: string;
}

export function parseLimits(text: string): ResourceLimit[] {
  const limits: ResourceLimit[] = [];
  for (const line of text.split('\n').slice(1)) {
    // Names hold single spaces and are padded to 25 columns, so two spaces end them.
    const m = /^(.+?)\s{2,}(\S+)\s+(\S+)(?:\s+(\S+))?\s*$/.exec(line);
    if (!m) continue;
    const value = (s: string): number | 'unlimited' => (s === 'unlimited' ? 'unlimited' : Number(s));
    limits.push({ name: m[1]!, soft: value(m[2]!), hard: value(m[3]!), units: m[4] ?? '' });
  }
  return limits;
}

export function parseUptime(text: string): { uptimeSeconds: number; idleSeconds: number } | undefined {
  const [up, idle] = text.trim().split(/\s+/).map(Number);
  if (up === undefined || Number.isNaN(up)) return undefined;
  return { uptimeSeconds: up, idleSeconds: idle ?? 0 };
}

/** /proc/meminfo: name → value, in kB for lines with a unit, a count for HugePages_*. */
export function parseMeminfo(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([^:]+):\s+(\d+)/.exec(line);
    if (m) values.set(m[1]!, Number(m[2]));
  }
  return values;
}

/** What the one-letter states of /proc/<pid>/stat mean (fs/proc/array.c). */
export const PROCESS_STATE_NAMES: Readonly<Record<string, string>> = {
  R: 'running',
  S: 'sleeping',
  D: 'disk sleep',
  T: 'stopped',
  t: 'tracing stop',
  X: 'dead',
  Z: 'zombie',
  P: 'parked',
  I: 'idle',
};

/**
 * One ProcessInfo from a process's parsed stat and status and its argv. users maps uids to
 * names (parsePasswd of the target's /etc/passwd). pageSize turns stat's rss pages into KiB
 * when status has no VmRSS.
 */
export function buildProcessInfo(parts: {
  stat: ProcStat;
  status: ProcStatus;
  command: string[];
  users?: Map<number, string>;
  pageSize?: number;
}): ProcessInfo {
  const { stat, status, command, users } = parts;
  const info: ProcessInfo = {
    pid: stat.pid,
    ppid: stat.ppid,
    uid: status.uid.real,
    state: stat.state,
    threads: stat.numThreads,
    rssKiB: status.vmRssKiB ?? (stat.rss * (parts.pageSize ?? 4096)) / 1024,
    startTicks: stat.starttime,
    cpuTicks: stat.utime + stat.stime,
    comm: stat.comm,
    command,
  };
  const user = users?.get(status.uid.real);
  if (user !== undefined) info.user = user;
  return info;
}

// include/net/tcp_states.h; ss's names.
const TCP_STATES: Readonly<Record<number, string>> = {
  1: 'ESTABLISHED',
  2: 'SYN_SENT',
  3: 'SYN_RECV',
  4: 'FIN_WAIT1',
  5: 'FIN_WAIT2',
  6: 'TIME_WAIT',
  7: 'CLOSE',
  8: 'CLOSE_WAIT',
  9: 'LAST_ACK',
  10: 'LISTEN',
  11: 'CLOSING',
  12: 'NEW_SYN_RECV',
};

const UNIX_TYPES: Readonly<Record<number, SocketInfo['socketType']>> = { 1: 'stream', 2: 'dgram', 5: 'seqpacket' };
const UNIX_STATES: Readonly<Record<number, string>> = { 1: 'UNCONN', 2: 'CONNECTING', 3: 'ESTABLISHED', 4: 'DISCONNECTING' };
/** __SO_ACCEPTCON in the Flags column: the socket listens. */
const UNIX_ACCEPTCON = 0x10000;

/**
 * Sockets from /proc/net/{tcp,tcp6,udp,udp6,unix}. The kernel prints each 32-bit word of an
 * address in host byte order; Docker hosts are little-endian (amd64, arm64), which is the
 * default, and big-endian hosts (s390x) pass littleEndian: false.
 */
export function parseProcNetSockets(text: string, protocol: SocketProtocol, options: { littleEndian?: boolean } = {}): SocketInfo[] {
  const lines = text
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '');
  if (protocol === 'unix') return lines.flatMap((line) => parseUnixLine(line));
  const littleEndian = options.littleEndian ?? true;
  const sockets: SocketInfo[] = [];
  for (const line of lines) {
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...
    const f = line.trim().split(/\s+/);
    const local = parseInetAddress(f[1], littleEndian);
    const peer = parseInetAddress(f[2], littleEndian);
    if (!local || !peer || f[3] === undefined || f[9] === undefined) continue;
    const code = parseInt(f[3], 16);
    const udp = protocol === 'udp' || protocol === 'udp6';
    // UDP reuses TCP's codes: 7 (CLOSE) is an unconnected socket, which ss calls UNCONN.
    const state = udp && code === 7 ? 'UNCONN' : (TCP_STATES[code] ?? `UNKNOWN(${f[3]})`);
    sockets.push({
      protocol,
      state,
      local: local.text,
      peer: peer.text,
      localPort: local.port,
      peerPort: peer.port,
      inode: Number(f[9]),
      uid: Number(f[7]),
    });
  }
  return sockets;
}

function parseUnixLine(line: string): SocketInfo[] {
  // Num: RefCount Protocol Flags Type St Inode [Path]; the path may hold spaces.
  const m = /^\s*[0-9a-f]+:\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+(\d+)(?: (.*))?$/i.exec(line);
  if (!m) return [];
  const flags = parseInt(m[1]!, 16);
  const type = UNIX_TYPES[parseInt(m[2]!, 16)];
  const st = parseInt(m[3]!, 16);
  const socket: SocketInfo = {
    protocol: 'unix',
    state: flags & UNIX_ACCEPTCON ? 'LISTEN' : (UNIX_STATES[st] ?? `UNKNOWN(${m[3]})`),
    local: m[5] ?? '',
    peer: '',
    inode: Number(m[4]),
  };
  if (type) socket.socketType = type;
  return [socket];
}

function parseInetAddress(field: string | undefined, littleEndian: boolean): { text: string; port: number } | undefined {
  const m = /^([0-9A-F]{8}|[0-9A-F]{32}):([0-9A-F]{4})$/i.exec(field ?? '');
  if (!m) return undefined;
  const hex = m[1]!;
  const port = parseInt(m[2]!, 16);
  const bytes: number[] = [];
  for (let i = 0; i < hex.length; i += 8) {
    const word = [0, 2, 4, 6].map((j) => parseInt(hex.slice(i + j, i + j + 2), 16));
    bytes.push(...(littleEndian ? word.reverse() : word));
  }
  return bytes.length === 4 ? { text: `${bytes.join('.')}:${port}`, port } : { text: `[${formatIpv6(bytes)}]:${port}`, port };
}

/** RFC 5952 text: lowercase, the longest run of zero groups (two or more) as "::", IPv4-mapped as ::ffff:a.b.c.d. */
function formatIpv6(bytes: number[]): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${bytes.slice(12).join('.')}`;
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const text = groups.map((g) => g.toString(16));
  if (bestStart < 0) return text.join(':');
  return `${text.slice(0, bestStart).join(':')}::${text.slice(bestStart + bestLength).join(':')}`;
}

/** The inode of a /proc/<pid>/fd link target that is a socket: "socket:[54325]" → 54325. */
export function parseSocketInode(linkTarget: string): number | undefined {
  const m = /^socket:\[(\d+)\]$/.exec(linkTarget.trim());
  return m ? Number(m[1]) : undefined;
}

/** Fills pid and process in from inode → owner (built from the fd links); TIME_WAIT (inode 0) stays unowned. */
export function attachSocketOwners(sockets: SocketInfo[], owners: Map<number, { pid: number; process: string }>): SocketInfo[] {
  return sockets.map((socket) => {
    const owner = socket.inode === 0 ? undefined : owners.get(socket.inode);
    return owner ? { ...socket, pid: owner.pid, process: owner.process } : socket;
  });
}
