// Turns strace's text output (-f, -t/-tt/-ttt, -T, -y/-yy) into SyscallEvents, one line at a
// time. Pure: the caller feeds lines; StraceJoiner stitches calls that strace split in two.

export type SyscallClass = 'file' | 'network' | 'process' | 'memory' | 'signal' | 'ipc' | 'time' | 'other';

export interface SyscallEvent {
  kind: 'syscall' | 'signal' | 'exit' | 'killed' | 'info';
  /** As printed: "12:34:56.789012" (-tt) or "1795424019.038538" (-ttt). */
  time?: string;
  /** The thread id strace printed, or inferred by StraceJoiner; for info lines, the process named. */
  pid?: number;
  syscall?: string;
  /** Raw text between the call's outer parens. */
  args?: string;
  /** Raw return text without errno and duration: "3", "-1", "0x7f..", "?", "3</etc/passwd>", "0 (Timeout)". */
  result?: string;
  retval?: number;
  errno?: string;
  errnoText?: string;
  /** Seconds, from -T. */
  duration?: number;
  signal?: string;
  exitCode?: number;
  /** The line as printed; for a joined call, both lines separated by "\n". */
  raw: string;
}

/** What one line of strace output is, before joining. */
export type StraceLine =
  | { type: 'event'; event: SyscallEvent }
  /** `read(3,  <unfinished ...>`: head is the call text without the marker, e.g. "read(3, ". */
  | { type: 'unfinished'; event: SyscallEvent; head: string }
  /** `<... read resumed>"x", 1) = 1`: tail is the text after "resumed>". */
  | { type: 'resumed'; event: SyscallEvent; tail: string }
  /**
   * On stderr, strace prints "strace: Process N attached" in the middle of the line it is
   * writing (`clone(...|SIGCHLDstrace: Process 9 attached`); head is the line before it.
   */
  | { type: 'spliced'; head: string; notice: SyscallEvent }
  | { type: 'blank' };

// "[pid  123] " when writing to stderr with more than one tracee; "123   " with -o and -f.
// Then an optional -t/-tt (hh:mm:ss[.us]), -ttt (epoch.us) or -r (padded seconds) stamp.
const PREFIX = /^(?:\[pid\s+(\d+)\]\s|(\d+)\s+)?\s*(?:(\d{2}:\d{2}:\d{2}(?:\.\d+)?|\d+\.\d+)\s+)?/;
const NOTICE = /^strace: Process (\d+) (attached|detached)/;
const SPLICED_NOTICE = /strace: Process \d+ (?:attached|detached)(?: with \d+ threads)?$/;
/** What every line SPLICED_NOTICE matches holds: a test far cheaper than the match. */
const SPLICED_NOTICE_MARK = 'strace: Process ';
const UNFINISHED = / <unfinished \.\.\.>$/;
const TRAILING_MARKER = /\s*<(?:unfinished|detached) \.\.\.>$/;
const RESUMED = /^<\.\.\. (\w+) resumed>(.*)$/;
const CALL = /^(\w+)\(/;
const DURATION = /\s*<(\d+(?:\.\d+)?)>$/;
const ERRNO = /^(\S+)\s+(E[A-Z0-9_]+)\s+\(([^)]*)\)/;
const NUMBER = /^(-?\d+|0x[0-9a-f]+)(?![\w.])/i;

export function parseStraceLine(line: string): StraceLine {
  const text = line.replace(/\r?\n$/, '').replace(/\r$/, '');
  if (text.trim() === '') return { type: 'blank' };

  const spliced = text.includes(SPLICED_NOTICE_MARK) ? SPLICED_NOTICE.exec(text) : null;
  if (spliced && spliced.index > 0 && !text.startsWith('strace: ')) {
    return { type: 'spliced', head: text.slice(0, spliced.index), notice: noticeEvent(spliced[0]) };
  }

  const { pid, time, body } = splitPrefix(text);
  const base: SyscallEvent = { kind: 'info', raw: text };
  if (pid !== undefined) base.pid = pid;
  if (time !== undefined) base.time = time;

  // The event is filled in place, not built with spreads: `{ ...base, ...parsed }` measured
  // ~9 µs a line on Node 20 (V8's slow path for an object spread over another), and the
  // TUI parses every line of a trace that can run at 50,000 lines a second.
  if (body.startsWith('strace: ')) return { type: 'event', event: Object.assign(base, noticeEvent(body), { raw: text }) };
  if (body.startsWith('--- ') && body.endsWith(' ---')) return { type: 'event', event: Object.assign(base, parseSignal(body)) };
  if (body.startsWith('+++ ')) return { type: 'event', event: Object.assign(base, parseTermination(body)) };

  const resumed = RESUMED.exec(body);
  if (resumed) {
    const name = resumed[1]!;
    const tail = resumed[2]!;
    base.kind = 'syscall';
    base.syscall = name;
    parseAfterOpenParen(tail, base);
    return { type: 'resumed', tail, event: base };
  }

  const call = CALL.exec(body);
  if (call) {
    if (UNFINISHED.test(body)) {
      const head = body.replace(UNFINISHED, '');
      return {
        type: 'unfinished',
        head,
        event: { ...base, kind: 'syscall', syscall: call[1]!, args: cleanArgs(head.slice(call[0].length)) },
      };
    }
    parseCall(body, base);
    return { type: 'event', event: base };
  }
  // Anything else ("[ Process PID=1 runs in 32 bit mode. ]", a stray continuation) is kept as text.
  return { type: 'event', event: base };
}

/**
 * What SplicedLineRepair gives back: a whole line, or an attach notice strace wrote into
 * the middle of a line whose rest has not come yet.
 */
export type StracePiece = { kind: 'line'; text: string } | { kind: 'cut-notice'; text: string };

/**
 * strace writes its attach notices to the stream the trace goes to, and one can land in the
 * middle of a line ("clone(...strace: Process 7 attached\n, child_tidptr=...) = 7").
 * Gives lines back whole; a notice comes out when it is seen, before the line it cut.
 */
export class SplicedLineRepair {
  private head: string | undefined;

  push(line: string): StracePiece[] {
    const text = line.replace(/\r?\n$/, '');
    if (this.head === undefined) return this.whole(text);
    if (text.startsWith('strace: ')) return [{ kind: 'cut-notice', text }];
    const head = this.head;
    this.head = undefined;
    // vfork: the child ran before the parent's call returned; strace starts new lines and
    // later prints "<... vfork resumed>", so the cut head is an unfinished call.
    if (startsFreshLine(text)) return [{ kind: 'line', text: `${head} <unfinished ...>` }, ...this.whole(text)];
    return this.whole(head + text);
  }

  /** The head of a line still cut when the trace ended, as an unfinished call. */
  flush(): StracePiece[] {
    if (this.head === undefined) return [];
    const head = this.head;
    this.head = undefined;
    return [{ kind: 'line', text: `${head} <unfinished ...>` }];
  }

  private whole(text: string): StracePiece[] {
    // Most lines hold no notice: not parsed here (the CLI prints them as they are).
    if (!text.includes(SPLICED_NOTICE_MARK)) return [{ kind: 'line', text }];
    const parsed = parseStraceLine(text);
    if (parsed.type !== 'spliced') return [{ kind: 'line', text }];
    this.head = parsed.head;
    return [{ kind: 'cut-notice', text: parsed.notice.raw }];
  }
}

/**
 * Joins the halves strace prints when calls of several threads interleave, per pid. Takes
 * the pieces of a SplicedLineRepair. push() returns the events completed by a piece (a
 * joined call comes out when its resumed half arrives, stamped with the start time);
 * flush() returns calls still open at the end.
 *
 * Unprefixed lines: on stderr strace drops the "[pid N]" prefix while only one process is
 * traced, so when exactly one pid is known to be alive an unprefixed line gets that pid.
 */
export class StraceJoiner {
  private readonly pending: Array<{ event: SyscallEvent; head: string }> = [];
  private readonly live = new Set<number>();
  /** Notices that cut a line take effect once that line is complete. */
  private deferred: SyscallEvent[] = [];

  push(piece: StracePiece): SyscallEvent[] {
    if (piece.kind === 'cut-notice') {
      const notice = noticeEvent(piece.text);
      this.deferred.push(notice);
      return [notice];
    }
    const out = this.accept(parseStraceLine(piece.text));
    for (const notice of this.deferred) this.track(notice);
    this.deferred = [];
    return out;
  }

  flush(): SyscallEvent[] {
    return this.pending.splice(0).map((p) => p.event);
  }

  private accept(parsed: StraceLine): SyscallEvent[] {
    switch (parsed.type) {
      case 'blank':
        return [];
      case 'spliced':
        // SplicedLineRepair gives lines back whole.
        return [parsed.notice];
      case 'unfinished': {
        const event = this.withPid(parsed.event);
        const out = this.takePending((p) => p.event.pid === event.pid);
        this.pending.push({ event, head: parsed.head });
        return out;
      }
      case 'resumed': {
        const event = this.withPid(parsed.event);
        const open = this.findPending(event);
        if (!open) return [event];
        this.pending.splice(this.pending.indexOf(open), 1);
        return [joinHalves(open.event, open.head, event, parsed.tail)];
      }
      case 'event': {
        const event = this.withPid(parsed.event);
        const out: SyscallEvent[] = [];
        if ((event.kind === 'exit' || event.kind === 'killed') && event.pid !== undefined) {
          // A thread that dies inside a call never prints the resumed half.
          out.push(...this.takePending((p) => p.event.pid === event.pid));
          this.live.delete(event.pid);
        }
        if (event.kind === 'info') this.track(event);
        out.push(event);
        return out;
      }
    }
  }

  private withPid(event: SyscallEvent): SyscallEvent {
    if (event.kind === 'info') return event;
    if (event.pid !== undefined) {
      this.live.add(event.pid);
      return event;
    }
    // In place: the event is this parse's own (a spread here cost as much as the parse).
    if (this.live.size === 1) event.pid = this.live.values().next().value!;
    return event;
  }

  private findPending(resumed: SyscallEvent): { event: SyscallEvent; head: string } | undefined {
    const byPid = this.pending.find((p) => p.event.pid === resumed.pid && p.event.syscall === resumed.syscall);
    if (byPid) return byPid;
    // One side had no prefix (printed while a single process was traced): match by name,
    // latest first, among halves whose pid is unknown or, for an unprefixed resume, any.
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const p = this.pending[i]!;
      if (p.event.syscall !== resumed.syscall) continue;
      if (p.event.pid === undefined || resumed.pid === undefined) return p;
    }
    return undefined;
  }

  private takePending(match: (p: { event: SyscallEvent }) => boolean): SyscallEvent[] {
    const taken = this.pending.filter(match);
    for (const p of taken) this.pending.splice(this.pending.indexOf(p), 1);
    return taken.map((p) => p.event);
  }

  private track(info: SyscallEvent): void {
    if (info.pid === undefined) return;
    const notice = NOTICE.exec(info.raw);
    if (notice?.[2] === 'attached') this.live.add(info.pid);
    if (notice?.[2] === 'detached') this.live.delete(info.pid);
  }
}

/** Parses a whole capture (e.g. a file written with -o) into joined events. */
export function parseStraceOutput(text: string): SyscallEvent[] {
  const repair = new SplicedLineRepair();
  const joiner = new StraceJoiner();
  const events: SyscallEvent[] = [];
  const take = (pieces: StracePiece[]): void => {
    for (const piece of pieces) events.push(...joiner.push(piece));
  };
  for (const line of text.split('\n')) take(repair.push(line));
  take(repair.flush());
  events.push(...joiner.flush());
  return events;
}

function joinHalves(start: SyscallEvent, head: string, end: SyscallEvent, tail: string): SyscallEvent {
  // Re-parse the call as if strace had printed it on one line, so nesting opened in the
  // first half and closed in the second is read correctly.
  const event: SyscallEvent = { kind: 'info', raw: `${start.raw}\n${end.raw}` };
  parseCall(head + tail, event);
  const pid = start.pid ?? end.pid;
  if (pid !== undefined) event.pid = pid;
  const time = start.time ?? end.time;
  if (time !== undefined) event.time = time;
  return event;
}

function splitPrefix(text: string): { pid: number | undefined; time: string | undefined; body: string } {
  const m = PREFIX.exec(text)!;
  const pidText = m[1] ?? m[2];
  return { pid: pidText === undefined ? undefined : Number(pidText), time: m[3], body: text.slice(m[0].length) };
}

/** A line that begins a new record rather than continuing one cut by an attach notice. */
function startsFreshLine(text: string): boolean {
  if (/^\s+\d+\.\d+\s/.test(text)) return true; // -r stamps are padded with spaces
  return !/^[\s,)\]}=]/.test(text);
}

function noticeEvent(text: string): SyscallEvent {
  const m = NOTICE.exec(text);
  return m ? { kind: 'info', pid: Number(m[1]), raw: text } : { kind: 'info', raw: text };
}

function parseSignal(body: string): Partial<SyscallEvent> {
  const inner = body.slice(4, -4);
  const stopped = /^stopped by (\S+)$/.exec(inner);
  if (stopped) return { kind: 'signal', signal: stopped[1]! };
  const space = inner.indexOf(' ');
  if (space < 0) return { kind: 'signal', signal: inner };
  return { kind: 'signal', signal: inner.slice(0, space), args: inner.slice(space + 1) };
}

function parseTermination(body: string): Partial<SyscallEvent> {
  const exited = /^\+\+\+ exited with (-?\d+) \+\+\+$/.exec(body);
  if (exited) return { kind: 'exit', exitCode: Number(exited[1]) };
  const killed = /^\+\+\+ killed by (\S+)(?: \(core dumped\))? \+\+\+$/.exec(body);
  if (killed) return { kind: 'killed', signal: killed[1]! };
  // "+++ superseded by execve in pid N +++" and future forms.
  return { kind: 'info' };
}

/** Fills `event` with the call in `body` (left an info event if it is none). */
function parseCall(body: string, event: SyscallEvent): void {
  const call = CALL.exec(body);
  if (!call) return;
  event.kind = 'syscall';
  event.syscall = call[1]!;
  parseAfterOpenParen(body.slice(call[0].length), event);
}

/** Parses `args) = result ...` (the text after a call's opening paren). */
function parseAfterOpenParen(text: string, event: SyscallEvent): void {
  const close = findCloseParen(text);
  // No closing paren: the call never returned while traced ("<detached ...>").
  if (close < 0) {
    event.args = cleanArgs(text);
    return;
  }
  event.args = cleanArgs(text.slice(0, close));
  parseResult(text.slice(close + 1), event);
}

function cleanArgs(args: string): string {
  return args.replace(TRAILING_MARKER, '').trimEnd().replace(/,$/, '').trim();
}

function parseResult(rest: string, out: SyscallEvent): void {
  const eq = /^\s*=\s*(.*)$/.exec(rest);
  if (!eq) return;
  let text = eq[1]!.trimEnd();
  const duration = DURATION.exec(text);
  if (duration) {
    out.duration = Number(duration[1]);
    text = text.slice(0, duration.index);
  }
  const errno = ERRNO.exec(text);
  if (errno) {
    out.result = errno[1]!;
    out.errno = errno[2]!;
    out.errnoText = errno[3]!;
  } else {
    out.result = text;
  }
  const number = NUMBER.exec(out.result);
  if (number) {
    const value = Number(number[1]);
    if (Number.isSafeInteger(value)) out.retval = value;
  }
}

/**
 * Index of the ')' closing the call whose '(' precedes `text`, or -1. Skips string
 * literals (which may hold parens, quotes, "=") and -y decorations (`3</a(b>`, whose
 * paths are not quoted), and counts (), [], {} nesting.
 */
function findCloseParen(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      i = skipString(text, i);
    } else if (c === '<' && isDecorationStart(text, i)) {
      i = skipDecoration(text, i);
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0 && c === ')') return i;
      if (depth > 0) depth--;
    }
  }
  return -1;
}

/** Index of the closing quote of the literal opening at `start` (or the end of text). */
function skipString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}

// -y prints "<path>" right after an fd number or AT_FDCWD; "<unfinished ...>" and
// "<... resuming ...>" follow a space or a paren, and "1<<3" is a shift.
function isDecorationStart(text: string, i: number): boolean {
  return i > 0 && /\w/.test(text[i - 1]!) && text[i + 1] !== '<';
}

/**
 * Index of the '>' closing the decoration opening at `start`, or `start` when it never
 * closes (then it was not a decoration). strace escapes '<' and '>' in paths as \74 and
 * \76; -yy nests `</dev/null<char 1:3>>` and writes sockets as `TCP:[a->b]`.
 */
function skipDecoration(text: string, start: number): number {
  let depth = 0;
  let brackets = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '[') brackets++;
    else if (c === ']') brackets = Math.max(0, brackets - 1);
    else if (c === '<') depth++;
    else if (c === '>') {
      if (brackets > 0 && text[i - 1] === '-') continue;
      depth--;
      if (depth === 0) return i;
    }
  }
  return start;
}

/** Splits raw args at top-level commas: `3</a, b>, "x, y", {a=1, b=2}` gives three. */
export function splitSyscallArgs(args: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < args.length; i++) {
    const c = args[i];
    if (c === '"') i = skipString(args, i);
    else if (c === '<' && isDecorationStart(args, i)) i = skipDecoration(args, i);
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      parts.push(args.slice(from, i).trim());
      from = i + 1;
    }
  }
  const last = args.slice(from).trim();
  if (last !== '' || parts.length > 0) parts.push(last);
  return parts;
}

/** Decodes a string argument as strace prints it: `"a\"b\n"...` → { text: 'a"b\n', truncated: true }. */
export function decodeStraceString(literal: string): { text: string; truncated: boolean } | undefined {
  const trimmed = literal.trim();
  if (!trimmed.startsWith('"')) return undefined;
  const end = skipString(trimmed, 0);
  if (end >= trimmed.length) return undefined;
  return { text: unescapeStrace(trimmed.slice(1, end)), truncated: trimmed.slice(end + 1).startsWith('...') };
}

/** Splits an fd decorated by -y/-yy: `3</etc/passwd>` → { fd: 3, target: '/etc/passwd' }. */
export function parseFdDecoration(arg: string): { fd: number | 'AT_FDCWD'; target: string } | undefined {
  const m = /^(-?\d+|AT_FDCWD)</.exec(arg.trim());
  if (!m) return undefined;
  const text = arg.trim();
  const open = m[0].length - 1;
  const close = skipDecoration(text, open);
  if (close === open || close !== text.length - 1) return undefined;
  return { fd: m[1] === 'AT_FDCWD' ? 'AT_FDCWD' : Number(m[1]), target: unescapeStrace(text.slice(open + 1, close)) };
}

const SIMPLE_ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, v: 11, f: 12, '\\': 92, '"': 34, "'": 39 };

/** C-style escapes as strace writes them (\n, \", \NNN octal, \xHH), decoded as UTF-8 bytes. */
function unescapeStrace(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\' || i + 1 >= text.length) {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = text[i + 1]!;
    const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4));
    const hex = next === 'x' ? /^[0-9a-fA-F]{2}/.exec(text.slice(i + 2, i + 4)) : null;
    if (octal) {
      bytes.push(parseInt(octal[0], 8) & 0xff);
      i += octal[0].length;
    } else if (hex) {
      bytes.push(parseInt(hex[0], 16));
      i += 3;
    } else {
      bytes.push(SIMPLE_ESCAPES[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

// The classes follow strace's -e trace=%file, %network, %process, %memory, %signal, %ipc
// and %clock, with two choices so each call lands in exactly one: descriptor I/O (read,
// write, close, fstat, ...) counts as 'file' since that is what a user filters for, and
// calls strace files under two classes go where a user would look first (execve is
// 'process', kill is 'signal', shmat is 'ipc'). The class comes from the name only: a read
// on a socket is 'file'; the -yy decoration in args tells the two apart.
const SYSCALL_CLASSES: Record<Exclude<SyscallClass, 'other'>, readonly string[]> = {
  file: [
    'access',
    'acct',
    'chdir',
    'chmod',
    'chown',
    'chown32',
    'chroot',
    'close',
    'close_range',
    'copy_file_range',
    'creat',
    'dup',
    'dup2',
    'dup3',
    'faccessat',
    'faccessat2',
    'fadvise64',
    'fadvise64_64',
    'fallocate',
    'fanotify_init',
    'fanotify_mark',
    'fchdir',
    'fchmod',
    'fchmodat',
    'fchmodat2',
    'fchown',
    'fchown32',
    'fchownat',
    'fcntl',
    'fcntl64',
    'fdatasync',
    'fgetxattr',
    'flistxattr',
    'flock',
    'fremovexattr',
    'fsetxattr',
    'fstat',
    'fstat64',
    'fstatat64',
    'fstatfs',
    'fstatfs64',
    'fsync',
    'ftruncate',
    'ftruncate64',
    'futimesat',
    'getcwd',
    'getdents',
    'getdents64',
    'getxattr',
    'inotify_add_watch',
    'inotify_init',
    'inotify_init1',
    'inotify_rm_watch',
    'ioctl',
    'lchown',
    'lchown32',
    'lgetxattr',
    'link',
    'linkat',
    'listxattr',
    'llistxattr',
    'llseek',
    '_llseek',
    'lremovexattr',
    'lseek',
    'lsetxattr',
    'lstat',
    'lstat64',
    'memfd_create',
    'mkdir',
    'mkdirat',
    'mknod',
    'mknodat',
    'mount',
    'mount_setattr',
    'move_mount',
    'name_to_handle_at',
    'newfstatat',
    'oldfstat',
    'oldlstat',
    'oldstat',
    'open',
    'open_by_handle_at',
    'open_tree',
    'openat',
    'openat2',
    'pivot_root',
    'pread64',
    'preadv',
    'preadv2',
    'pwrite64',
    'pwritev',
    'pwritev2',
    'quotactl',
    'read',
    'readahead',
    'readlink',
    'readlinkat',
    'readv',
    'removexattr',
    'rename',
    'renameat',
    'renameat2',
    'rmdir',
    'sendfile',
    'sendfile64',
    'setxattr',
    'splice',
    'stat',
    'stat64',
    'statfs',
    'statfs64',
    'statx',
    'swapoff',
    'swapon',
    'symlink',
    'symlinkat',
    'sync',
    'sync_file_range',
    'syncfs',
    'tee',
    'truncate',
    'truncate64',
    'umount',
    'umount2',
    'unlink',
    'unlinkat',
    'uselib',
    'utime',
    'utimensat',
    'utimes',
    'vmsplice',
    'write',
    'writev',
    'fsopen',
    'fsmount',
    'fsconfig',
    'fspick',
  ],
  network: [
    'accept',
    'accept4',
    'bind',
    'connect',
    'getpeername',
    'getsockname',
    'getsockopt',
    'listen',
    'recv',
    'recvfrom',
    'recvmmsg',
    'recvmmsg_time64',
    'recvmsg',
    'send',
    'sendmmsg',
    'sendmsg',
    'sendto',
    'setsockopt',
    'shutdown',
    'socket',
    'socketcall',
    'socketpair',
  ],
  process: [
    'arch_prctl',
    'capget',
    'capset',
    'clone',
    'clone3',
    'execve',
    'execveat',
    'exit',
    'exit_group',
    'fork',
    'getegid',
    'getegid32',
    'geteuid',
    'geteuid32',
    'getgid',
    'getgid32',
    'getgroups',
    'getgroups32',
    'getpgid',
    'getpgrp',
    'getpid',
    'getppid',
    'getpriority',
    'getresgid',
    'getresgid32',
    'getresuid',
    'getresuid32',
    'getrlimit',
    'getrusage',
    'getsid',
    'gettid',
    'getuid',
    'getuid32',
    'ioprio_get',
    'ioprio_set',
    'kcmp',
    'nice',
    'personality',
    'pidfd_getfd',
    'pidfd_open',
    'prctl',
    'prlimit64',
    'ptrace',
    'rseq',
    'sched_getaffinity',
    'sched_getattr',
    'sched_getparam',
    'sched_getscheduler',
    'sched_setaffinity',
    'sched_setattr',
    'sched_setparam',
    'sched_setscheduler',
    'sched_yield',
    'seccomp',
    'set_robust_list',
    'get_robust_list',
    'set_tid_address',
    'setfsgid',
    'setfsuid',
    'setgid',
    'setgid32',
    'setgroups',
    'setgroups32',
    'setns',
    'setpgid',
    'setpriority',
    'setregid',
    'setresgid',
    'setresuid',
    'setreuid',
    'setrlimit',
    'setsid',
    'setuid',
    'setuid32',
    'unshare',
    'vfork',
    'wait4',
    'waitid',
    'waitpid',
  ],
  memory: [
    'brk',
    'get_mempolicy',
    'madvise',
    'mbind',
    'mincore',
    'migrate_pages',
    'mlock',
    'mlock2',
    'mlockall',
    'mmap',
    'mmap2',
    'move_pages',
    'mprotect',
    'mremap',
    'msync',
    'munlock',
    'munlockall',
    'munmap',
    'pkey_alloc',
    'pkey_free',
    'pkey_mprotect',
    'process_madvise',
    'process_mrelease',
    'process_vm_readv',
    'process_vm_writev',
    'remap_file_pages',
    'set_mempolicy',
    'set_mempolicy_home_node',
    'userfaultfd',
    'map_shadow_stack',
  ],
  signal: [
    'kill',
    'pause',
    'pidfd_send_signal',
    'restart_syscall',
    'rt_sigaction',
    'rt_sigpending',
    'rt_sigprocmask',
    'rt_sigqueueinfo',
    'rt_sigreturn',
    'rt_sigsuspend',
    'rt_sigtimedwait',
    'rt_sigtimedwait_time64',
    'rt_tgsigqueueinfo',
    'sigaction',
    'sigaltstack',
    'signal',
    'signalfd',
    'signalfd4',
    'sigpending',
    'sigprocmask',
    'sigreturn',
    'sigsuspend',
    'tgkill',
    'tkill',
  ],
  ipc: [
    'eventfd',
    'eventfd2',
    'futex',
    'futex_time64',
    'futex_waitv',
    'futex_wait',
    'futex_wake',
    'futex_requeue',
    'ipc',
    'mq_getsetattr',
    'mq_notify',
    'mq_open',
    'mq_timedreceive',
    'mq_timedsend',
    'mq_unlink',
    'msgctl',
    'msgget',
    'msgrcv',
    'msgsnd',
    'pipe',
    'pipe2',
    'semctl',
    'semget',
    'semop',
    'semtimedop',
    'shmat',
    'shmctl',
    'shmdt',
    'shmget',
  ],
  time: [
    'adjtimex',
    'alarm',
    'clock_adjtime',
    'clock_getres',
    'clock_gettime',
    'clock_gettime64',
    'clock_nanosleep',
    'clock_nanosleep_time64',
    'clock_settime',
    'getitimer',
    'gettimeofday',
    'nanosleep',
    'setitimer',
    'settimeofday',
    'stime',
    'time',
    'timer_create',
    'timer_delete',
    'timer_getoverrun',
    'timer_gettime',
    'timer_settime',
    'timerfd_create',
    'timerfd_gettime',
    'timerfd_settime',
    'times',
  ],
};

const CLASS_OF = new Map<string, SyscallClass>(
  Object.entries(SYSCALL_CLASSES).flatMap(([cls, names]) => names.map((name) => [name, cls as SyscallClass] as const)),
);

/** The class the TUI filters by; unknown and unclassified calls (poll, epoll_wait, uname, ...) are 'other'. */
export function classifySyscall(name: string): SyscallClass {
  return CLASS_OF.get(name) ?? 'other';
}
