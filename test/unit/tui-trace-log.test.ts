// The Trace view's model on a real strace capture: bounded memory, counts, filters, lines.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStraceOutput } from '../../src/core/strace-parser.js';
import { FollowCursor } from '../../src/tui/follow-cursor.js';
import { describeEvent, formatEventTime, parseTraceFilter, TraceLog } from '../../src/tui/trace-log.js';

const capture = readFileSync(new URL('../fixtures/strace/workload-f-stderr.strace', import.meta.url), 'utf8');
const events = parseStraceOutput(capture);

describe('trace log', () => {
  it('holds at most its capacity whatever the rate, and counts every event', () => {
    const log = new TraceLog(100);
    for (let round = 0; round < 200; round++) log.add(events);
    expect(log.held).toBe(100);
    expect(log.received).toBe(200 * events.length);
    const openat = log.countsBySyscall().find((c) => c.syscall === 'openat');
    expect(openat?.calls).toBe(200 * events.filter((e) => e.syscall === 'openat').length);
    expect(openat?.errors).toBeGreaterThan(0);
  });

  it('orders counts by calls, then by name, and classifies them', () => {
    const log = new TraceLog();
    log.add(events);
    const counts = log.countsBySyscall();
    for (let i = 1; i < counts.length; i++) {
      const [a, b] = [counts[i - 1]!, counts[i]!];
      expect(a.calls > b.calls || (a.calls === b.calls && a.syscall.localeCompare(b.syscall) < 0)).toBe(true);
    }
    expect(counts.find((c) => c.syscall === 'mmap')?.cls).toBe('memory');
  });

  it('filters by names, classes and the cycling class filter', () => {
    const log = new TraceLog();
    log.add(events);
    expect(parseTraceFilter('open, read file')).toEqual({ names: ['open', 'read'], classes: ['file'] });
    expect(parseTraceFilter('class:network %process')).toEqual({ names: [], classes: ['network', 'process'] });
    const opens = log.lines(parseTraceFilter('open'));
    expect(opens.length).toBeGreaterThan(0);
    expect(opens.every((l) => l.event.syscall?.includes('open'))).toBe(true);
    const memory = log.lines(parseTraceFilter(''), 'memory');
    expect(memory.length).toBeGreaterThan(0);
    expect(memory.every((l) => l.cls === 'memory')).toBe(true);
    expect(log.lines(parseTraceFilter('')).length).toBe(events.length);
  });

  it('pauses the display but keeps counting', () => {
    const log = new TraceLog();
    log.add(events.slice(0, 10));
    log.setPaused(true);
    log.add(events.slice(10, 30));
    expect(log.held).toBe(10);
    expect(log.skippedWhilePaused).toBe(20);
    expect(log.received).toBe(30);
    log.setPaused(false);
    expect(log.skippedWhilePaused).toBe(0);
  });

  it('writes events as strace does, failures with their errno', () => {
    const failed = events.find((e) => e.errno === 'ENOENT' && e.syscall === 'access');
    expect(describeEvent(failed!)).toBe('access("/etc/ld.so.preload", R_OK) = -1 ENOENT (No such file or directory) <0.000029>');
    const exit = events.find((e) => e.kind === 'killed');
    expect(describeEvent(exit!)).toBe('+++ killed by SIGKILL +++');
    const signal = events.find((e) => e.kind === 'signal');
    expect(describeEvent(signal!)).toMatch(/^--- SIGCHLD \{si_signo=SIGCHLD/);
    expect(formatEventTime('08:55:45.848545')).toBe('08:55:45.848545');
    expect(formatEventTime('1795424019.038538')).toMatch(/^\d\d:\d\d:\d\d\.038538$/);
  });
});

describe('follow cursor', () => {
  const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ seq: from + i }));

  it('follows the newest lines until moved, then stays on its line as new ones arrive', () => {
    const cursor = new FollowCursor();
    expect(cursor.window(lines(0, 100), 10)).toEqual({ from: 90, to: 100, selected: -1 });
    cursor.move('up', lines(0, 100), 10);
    expect(cursor.isFollowing).toBe(false);
    expect(cursor.window(lines(0, 100), 10).selected).toBe(98);
    // Ten new lines arrive and ten old ones leave the ring: the same line stays selected.
    const shifted = lines(10, 110);
    const view = cursor.window(shifted, 10);
    expect(shifted[view.selected]?.seq).toBe(98);
    cursor.move('bottom', shifted, 10);
    expect(cursor.isFollowing).toBe(true);
  });

  it('jumps to a line (a search match) and resumes following from the last line', () => {
    const cursor = new FollowCursor();
    cursor.jumpTo(42);
    expect(cursor.window(lines(0, 100), 10).selected).toBe(42);
    cursor.move('down', lines(0, 43), 10);
    expect(cursor.isFollowing).toBe(true);
  });
});
