import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  classifySyscall,
  decodeStraceString,
  parseFdDecoration,
  parseStraceLine,
  parseStraceOutput,
  splitSyscallArgs,
  SplicedLineRepair,
  StraceJoiner,
  type StraceLine,
  type SyscallEvent,
} from '../../src/core/strace-parser.js';

// Real captures made by test/fixtures/strace/capture.sh on this machine.
function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/strace/${name}`, import.meta.url), 'utf8');
}

function lineOf(name: string, lineNumber: number): string {
  return fixture(name).split('\n')[lineNumber - 1]!;
}

function eventOf(line: StraceLine): SyscallEvent {
  if (line.type === 'blank' || line.type === 'spliced') throw new Error(`no event in a ${line.type} line`);
  return line.event;
}

function pathArg(event: SyscallEvent, index: number): string | undefined {
  const arg = splitSyscallArgs(event.args ?? '')[index];
  return arg === undefined ? undefined : decodeStraceString(arg)?.text;
}

describe('parseStraceLine', () => {
  it('reads a failed openat whose path holds ")", "=" and escaped quotes (-f -o form)', () => {
    const event = eventOf(parseStraceLine(lineOf('workload-f-file.strace', 33)));
    expect(event).toMatchObject({
      kind: 'syscall',
      pid: 22606,
      time: '08:55:45.672196',
      syscall: 'openat',
      result: '-1',
      retval: -1,
      errno: 'ENOENT',
      errnoText: 'No such file or directory',
      duration: 0.000026,
    });
    expect(pathArg(event, 1)).toBe('/nonexistent/dir) = 0 "quoted"/file');
    expect(splitSyscallArgs(event.args!)).toEqual([
      'AT_FDCWD</work/main/test/fixtures/strace>',
      '"/nonexistent/dir) = 0 \\"quoted\\"/file"',
      'O_RDONLY',
    ]);
  });

  it('keeps truncated strings and strings that look like a result inside args', () => {
    const long = eventOf(parseStraceLine(lineOf('workload-f-file.strace', 35)));
    expect(long).toMatchObject({ syscall: 'write', retval: 200, args: expect.stringMatching(/^3<\/dev\/null>, "x+"\.\.\., 200$/) });
    expect(decodeStraceString(splitSyscallArgs(long.args!)[1]!)).toEqual({ text: 'x'.repeat(64), truncated: true });

    const tricky = eventOf(parseStraceLine(lineOf('workload-f-file.strace', 36)));
    expect(tricky).toMatchObject({ syscall: 'write', result: '16', retval: 16, duration: 0.000023 });
    expect(decodeStraceString(splitSyscallArgs(tricky.args!)[1]!)).toEqual({ text: 'done) = 0, "ok"\n', truncated: false });
  });

  it('reads hex results as numbers when they fit', () => {
    const event = eventOf(parseStraceLine(lineOf('workload-f-file.strace', 3)));
    expect(event).toMatchObject({ syscall: 'mmap', result: '0x7f3ccbdb1000', retval: 0x7f3ccbdb1000 });
  });

  it('reads -ttt epoch stamps without a pid', () => {
    const lines = fixture('cat-ttt.strace').split('\n');
    const event = eventOf(
      parseStraceLine(lines.find((l) => l.includes('openat(AT_FDCWD</work/main/test/fixtures/strace>, "/nonexistent"'))!),
    );
    expect(event.pid).toBeUndefined();
    expect(event).toMatchObject({ time: expect.stringMatching(/^\d{10}\.\d{6}$/), syscall: 'openat', errno: 'ENOENT' });
    expect(pathArg(event, 1)).toBe('/nonexistent');
  });

  it('reads padded "[pid  N]" prefixes', () => {
    const event = eventOf(parseStraceLine(lineOf('sh-process-stderr.strace', 11)));
    expect(lineOf('sh-process-stderr.strace', 11)).toMatch(/^\[pid {2}\d{4}\] /);
    expect(event).toMatchObject({ pid: 5495, syscall: 'wait4' });
  });

  it('splits -yy socket and device decorations', () => {
    const accept = eventOf(parseStraceLine(lineOf('workload-f-stderr.strace', 101)));
    expect(accept).toMatchObject({ syscall: 'accept', result: '13<TCP:[127.0.0.1:43209->127.0.0.1:49258]>', retval: 13 });
    expect(parseFdDecoration(accept.result!)).toEqual({ fd: 13, target: 'TCP:[127.0.0.1:43209->127.0.0.1:49258]' });
    expect(parseFdDecoration(splitSyscallArgs(accept.args!)[0]!)).toEqual({ fd: 11, target: 'TCP:[127.0.0.1:43209]' });

    const write = eventOf(parseStraceLine(lineOf('workload-f-stderr.strace', 35)));
    expect(parseFdDecoration(splitSyscallArgs(write.args!)[0]!)).toEqual({ fd: 3, target: '/dev/null<char 1:3>' });
    expect(write.retval).toBe(200);
  });

  it('reads -y paths with unbalanced parens and the escapes strace puts in them', () => {
    const lines = fixture('odd-path.strace').split('\n');
    const open = eventOf(parseStraceLine(lines.find((l) => l.includes('we(ird)') && l.startsWith('openat'))!));
    expect(pathArg(open, 1)).toMatch(/\/we\(ird\) > "name" <x>$/);
    expect(parseFdDecoration(open.result!)).toEqual({ fd: 3, target: expect.stringMatching(/^\/tmp\/tmp\.\w+\/we\(ird\) > "name" <x>$/) });
    expect(parseFdDecoration(splitSyscallArgs(open.args!)[0]!)).toEqual({ fd: 'AT_FDCWD', target: '/work/main/test/fixtures/strace' });

    const read = eventOf(parseStraceLine(lines.find((l) => l.startsWith('read(3</tmp'))!));
    expect(read).toMatchObject({ syscall: 'read', result: '0', retval: 0 });
    expect(splitSyscallArgs(read.args!)).toHaveLength(3);
  });

  it('returns the head of an unfinished call and the tail of a resumed one', () => {
    const unfinished = parseStraceLine(lineOf('workload-f-file.strace', 72));
    expect(unfinished).toMatchObject({ type: 'unfinished', head: 'read(6<pipe:[38208]>, ' });
    expect(eventOf(unfinished)).toMatchObject({ pid: 22608, syscall: 'read', args: '6<pipe:[38208]>' });
    expect(eventOf(unfinished).result).toBeUndefined();

    const resumed = parseStraceLine(lineOf('workload-f-file.strace', 75));
    expect(resumed).toMatchObject({ type: 'resumed', tail: '"bee\\n", 64) = 4 <0.050397>' });
    expect(eventOf(resumed)).toMatchObject({ pid: 22608, syscall: 'read', args: '"bee\\n", 64', retval: 4, duration: 0.050397 });
  });

  it('reads ERESTARTSYS on a resumed read', () => {
    const event = eventOf(parseStraceLine(lineOf('workload-f-file.strace', 134)));
    expect(event).toMatchObject({
      pid: 22611,
      syscall: 'read',
      result: '?',
      errno: 'ERESTARTSYS',
      errnoText: 'To be restarted if SA_RESTART is set',
      duration: 0.050143,
    });
    expect(event.retval).toBeUndefined();
  });

  it('reads "= ? <unavailable>"', () => {
    const event = eventOf(parseStraceLine(lineOf('unavailable-tail.strace', 13)));
    expect(event).toMatchObject({ pid: 22655, syscall: 'getppid', result: '? <unavailable>' });
    expect(event.retval).toBeUndefined();
    expect(event.errno).toBeUndefined();
  });

  it('reads signals, exits and kills', () => {
    expect(eventOf(parseStraceLine(lineOf('workload-f-file.strace', 112)))).toMatchObject({
      kind: 'signal',
      pid: 22606,
      signal: 'SIGCHLD',
      args: expect.stringContaining('si_status=3'),
    });
    expect(eventOf(parseStraceLine(lineOf('workload-f-file.strace', 136)))).toMatchObject({
      kind: 'signal',
      pid: 22611,
      signal: 'SIGTERM',
      args: '{si_signo=SIGTERM, si_code=SI_USER, si_pid=22606, si_uid=0}',
    });
    expect(eventOf(parseStraceLine(lineOf('workload-f-file.strace', 110)))).toMatchObject({ kind: 'exit', pid: 22609, exitCode: 3 });
    expect(eventOf(parseStraceLine(lineOf('workload-f-file.strace', 122)))).toMatchObject({
      kind: 'killed',
      pid: 22610,
      signal: 'SIGKILL',
    });
  });

  it('reads attach notices and lines they cut in two', () => {
    expect(eventOf(parseStraceLine(lineOf('attach-detach.strace', 1)))).toEqual({
      kind: 'info',
      pid: 22664,
      raw: 'strace: Process 22664 attached',
    });
    const cut = parseStraceLine(lineOf('workload-f-stderr.strace', 107));
    expect(cut).toEqual({
      type: 'spliced',
      head: '08:55:45.997840 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD',
      notice: { kind: 'info', pid: 22619, raw: 'strace: Process 22619 attached' },
    });
  });

  it('calls a blank line blank and keeps unknown text as info', () => {
    expect(parseStraceLine('')).toEqual({ type: 'blank' });
    expect(eventOf(parseStraceLine(lineOf('workload-f-stderr.strace', 108)))).toMatchObject({ kind: 'info' });
  });
});

describe('SplicedLineRepair', () => {
  const piecesOf = (lines: string[]) => {
    const repair = new SplicedLineRepair();
    return [...lines.flatMap((line) => repair.push(line)), ...repair.flush()];
  };

  it('gives a line an attach notice cut back whole, the notice first', () => {
    expect(piecesOf(['clone(flags=SIGCHLDstrace: Process 9 attached', ', child_tidptr=0x1) = 9', 'exit_group(0) = ?'])).toEqual([
      { kind: 'cut-notice', text: 'strace: Process 9 attached' },
      { kind: 'line', text: 'clone(flags=SIGCHLD, child_tidptr=0x1) = 9' },
      { kind: 'line', text: 'exit_group(0) = ?' },
    ]);
  });

  it('keeps further notices with the cut line, and a line cut twice', () => {
    expect(
      piecesOf(['clone(astrace: Process 9 attached', 'strace: Process 10 attached', ', bstrace: Process 11 attached', ') = 9']),
    ).toEqual([
      { kind: 'cut-notice', text: 'strace: Process 9 attached' },
      { kind: 'cut-notice', text: 'strace: Process 10 attached' },
      { kind: 'cut-notice', text: 'strace: Process 11 attached' },
      { kind: 'line', text: 'clone(a, b) = 9' },
    ]);
  });

  it('ends a head followed by a fresh line (vfork) or by the end of the trace as unfinished', () => {
    expect(
      piecesOf([
        '[pid 5] vfork(strace: Process 6 attached',
        '[pid 6] execve("/bin/x", ["x"], 0x1 /* 0 vars */) = 0',
        'read(3, strace: Process 7 attached',
      ]),
    ).toEqual([
      { kind: 'cut-notice', text: 'strace: Process 6 attached' },
      { kind: 'line', text: '[pid 5] vfork( <unfinished ...>' },
      { kind: 'line', text: '[pid 6] execve("/bin/x", ["x"], 0x1 /* 0 vars */) = 0' },
      { kind: 'cut-notice', text: 'strace: Process 7 attached' },
      { kind: 'line', text: 'read(3,  <unfinished ...>' },
    ]);
  });

  it('passes notices on lines of their own through as lines', () => {
    expect(piecesOf(['strace: Process 1 attached', 'read(3, "x", 1) = 1'])).toEqual([
      { kind: 'line', text: 'strace: Process 1 attached' },
      { kind: 'line', text: 'read(3, "x", 1) = 1' },
    ]);
  });
});

describe('StraceJoiner', () => {
  it('joins interleaved halves per pid, stamped with the start time (-f -o form)', () => {
    const events = parseStraceOutput(fixture('workload-f-file.strace'));
    const reads = events.filter((e) => e.syscall === 'read' && e.args?.includes('pipe:'));
    // The second thread's read was released first; the joined events come out in that order.
    expect(reads.slice(0, 2)).toMatchObject([
      { pid: 22608, args: '6<pipe:[38208]>, "bee\\n", 64', retval: 4, time: '08:55:45.675608', duration: 0.050397 },
      { pid: 22607, args: '4<pipe:[38207]>, "ay\\n", 64', retval: 3, time: '08:55:45.675189', duration: 0.071227 },
    ]);
    expect(reads[0]!.raw.split('\n')).toEqual([lineOf('workload-f-file.strace', 72), lineOf('workload-f-file.strace', 75)]);

    // Arguments split across the halves join with the separator strace printed.
    expect(events.find((e) => e.syscall === 'clock_nanosleep')).toMatchObject({
      pid: 22606,
      args: 'CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=50000000}, NULL',
      retval: 0,
    });
    // Every resumed half found its start.
    expect(events.filter((e) => e.raw.startsWith('<...') || /^\d+ [\d:.]+ <\.\.\./.test(e.raw))).toEqual([]);
  });

  it('keeps what a user checks in the -f -o capture: refused connect, restart, exit codes', () => {
    const events = parseStraceOutput(fixture('workload-f-file.strace'));
    expect(events.find((e) => e.syscall === 'connect' && e.errno)).toMatchObject({
      pid: 22606,
      errno: 'ECONNREFUSED',
      errnoText: 'Connection refused',
      args: expect.stringContaining('sin_port=htons(1)'),
    });
    expect(events.find((e) => e.errno === 'ERESTARTSYS')).toMatchObject({
      pid: 22611,
      syscall: 'read',
      args: '11<pipe:[37638]>, 0x7ffc27cdab27, 1',
    });
    // The thread left blocked in read when the process exited: the call ends with "?".
    expect(events.find((e) => e.pid === 22612 && e.syscall === 'read')).toMatchObject({ args: '8<pipe:[38209]>', result: '?' });
    expect(events.filter((e) => e.kind === 'exit').map((e) => [e.pid, e.exitCode])).toEqual([
      [22608, 0],
      [22607, 0],
      [22609, 3],
      [22611, 0],
      [22612, 7],
      [22606, 7],
    ]);
    expect(events.filter((e) => e.kind === 'killed')).toMatchObject([{ pid: 22610, signal: 'SIGKILL' }]);
  });

  it('re-attaches lines cut by attach notices and infers pids strace left off (stderr form)', () => {
    const events = parseStraceOutput(fixture('workload-f-stderr.strace'));
    // Before the first thread exists nothing names the process.
    expect(events[0]).toMatchObject({ syscall: 'execve' });
    expect(events[0]!.pid).toBeUndefined();

    const clones = events.filter((e) => e.syscall === 'clone');
    expect(clones.map((e) => e.retval)).toEqual([22619, 22620, 22621]);
    expect(clones[0]).toMatchObject({
      pid: 22616,
      args: 'child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f6c17eada10',
      duration: 0.000208,
    });
    // The notice comes out before the call it interrupted.
    const notice = events.findIndex((e) => e.kind === 'info' && e.pid === 22619);
    expect(events[notice + 1]).toBe(clones[0]);

    const threads = events.filter((e) => e.syscall === 'clone3');
    expect(threads.map((e) => e.retval)).toEqual([22617, 22618, 22622]);

    // Once the threads are gone strace drops the prefix; the one live pid fills it in.
    expect(events.find((e) => e.syscall === 'socket')).toMatchObject({ pid: 22616, result: '11<TCP:[38219]>' });
    expect(events.find((e) => e.syscall === 'wait4')).toMatchObject({ pid: 22616, args: '22619, NULL, 0, NULL', retval: 22619 });
    expect(events.at(-1)).toMatchObject({ kind: 'exit', pid: 22616, exitCode: 7 });
  });

  it('joins a vfork cut by its child attaching (padded prefixes, no timestamps)', () => {
    const events = parseStraceOutput(fixture('sh-process-stderr.strace'));
    expect(events.find((e) => e.syscall === 'vfork')).toMatchObject({ pid: 5495, args: '', result: '5497', retval: 5497 });
    expect(events.find((e) => e.syscall === 'wait4' && e.retval === 5497)).toMatchObject({
      pid: 5495,
      args: '-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 4}], 0, NULL',
    });
    expect(events.filter((e) => e.kind === 'exit').map((e) => [e.pid, e.exitCode])).toEqual([
      [5496, 0],
      [5497, 4],
      [5495, 5],
    ]);
    expect(events.find((e) => e.errno === 'ERESTARTNOHAND')).toMatchObject({ syscall: 'rt_sigsuspend', pid: 5495 });
  });

  it('gives attach and detach notices, and the call interrupted by detaching', () => {
    expect(parseStraceOutput(fixture('attach-detach.strace'))).toMatchObject([
      { kind: 'info', pid: 22664, raw: 'strace: Process 22664 attached' },
      { kind: 'info', pid: 22664, raw: 'strace: Process 22664 detached' },
      { kind: 'syscall', pid: 22664, syscall: 'restart_syscall', args: '<... resuming interrupted read ...>' },
    ]);
  });

  it('passes through resumed halves whose start was never seen', () => {
    const events = parseStraceOutput(fixture('unavailable-tail.strace'));
    expect(events[0]).toMatchObject({ pid: 22657, syscall: 'getppid', retval: 22650 });
    expect(events.filter((e) => e.result === '? <unavailable>').map((e) => e.pid)).toEqual([22655, 22654]);
    expect(events.find((e) => e.syscall === 'kill')).toMatchObject({ pid: 22653, args: '22653, SIGKILL', result: '?' });
    expect(events.filter((e) => e.kind === 'killed')).toHaveLength(5);
  });

  it('streams line by line and flushes calls still open when the trace stops', () => {
    const joiner = new StraceJoiner();
    const lines = fixture('workload-f-file.strace').split('\n').slice(0, 74);
    const out = lines.flatMap((text) => joiner.push({ kind: 'line', text }));
    expect(out.some((e) => e.syscall === 'read' && e.pid === 22608)).toBe(false);
    const open = joiner.flush();
    expect(open).toMatchObject([
      { pid: 22607, syscall: 'read', args: '4<pipe:[38207]>' },
      { pid: 22608, syscall: 'read', args: '6<pipe:[38208]>' },
    ]);
    expect(open.every((e) => e.result === undefined)).toBe(true);
    expect(joiner.flush()).toEqual([]);
  });
});

describe('classifySyscall', () => {
  it('puts each call in the class the TUI filters by', () => {
    expect(
      [
        'openat',
        'read',
        'connect',
        'accept',
        'clone3',
        'execve',
        'mmap',
        'brk',
        'rt_sigaction',
        'kill',
        'futex',
        'pipe2',
        'clock_nanosleep',
        'epoll_wait',
        'not_a_call',
      ].map((name) => [name, classifySyscall(name)]),
    ).toEqual([
      ['openat', 'file'],
      ['read', 'file'],
      ['connect', 'network'],
      ['accept', 'network'],
      ['clone3', 'process'],
      ['execve', 'process'],
      ['mmap', 'memory'],
      ['brk', 'memory'],
      ['rt_sigaction', 'signal'],
      ['kill', 'signal'],
      ['futex', 'ipc'],
      ['pipe2', 'ipc'],
      ['clock_nanosleep', 'time'],
      ['epoll_wait', 'other'],
      ['not_a_call', 'other'],
    ]);
  });

  it('finds the network calls of the captured workload', () => {
    const events = parseStraceOutput(fixture('workload-f-file.strace'));
    const network = new Set(events.filter((e) => e.syscall && classifySyscall(e.syscall) === 'network').map((e) => e.syscall));
    expect([...network].sort()).toEqual(['accept', 'bind', 'connect', 'getsockname', 'listen', 'socket']);
  });
});
