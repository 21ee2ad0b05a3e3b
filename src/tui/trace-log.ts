// What the Trace view holds: the newest events in a ring buffer (memory stays flat at any
// rate), counts by syscall over the whole trace, a filter by name or class, and pause.
// Pure: events in, lines and counts out.
import { classifySyscall, type SyscallClass, type SyscallEvent } from '../core/strace-parser.js';
import { RingBuffer } from './ring-buffer.js';

export const TRACE_CAPACITY = 20_000;
export const TRACE_CLASSES: readonly SyscallClass[] = ['file', 'network', 'process', 'memory', 'signal', 'ipc', 'time', 'other'];

export interface TraceLine {
  seq: number;
  event: SyscallEvent;
  cls: SyscallClass | undefined;
  failed: boolean;
}

export interface SyscallCount {
  syscall: string;
  cls: SyscallClass;
  calls: number;
  errors: number;
  /** Seconds spent in the call, when strace reported durations (-T). */
  seconds: number;
}

export interface TraceFilter {
  /** Substrings of syscall names; empty: any name. */
  names: string[];
  /** Classes; empty: any class. */
  classes: SyscallClass[];
}

/** "open,read file" → names [open, read], classes [file]; `class:` prefixes are accepted. */
export function parseTraceFilter(text: string): TraceFilter {
  const filter: TraceFilter = { names: [], classes: [] };
  for (const raw of text.split(/[\s,]+/)) {
    const token = raw
      .trim()
      .toLowerCase()
      .replace(/^(class:|%)/, '');
    if (!token) continue;
    if ((TRACE_CLASSES as readonly string[]).includes(token)) filter.classes.push(token as SyscallClass);
    else filter.names.push(token);
  }
  return filter;
}

export function matchesFilter(line: TraceLine, filter: TraceFilter, extraClass: SyscallClass | undefined): boolean {
  const classes = extraClass ? [...filter.classes, extraClass] : filter.classes;
  if (filter.names.length === 0 && classes.length === 0) return true;
  // Signals, exits and notices have no syscall: they pass only an unfiltered view.
  const name = line.event.syscall;
  if (!name || !line.cls) return false;
  if (classes.length > 0 && !classes.includes(line.cls)) return false;
  return filter.names.length === 0 || filter.names.some((n) => name.includes(n));
}

/** One event as a line of text: the call, its arguments and result, as strace prints it. */
export function describeEvent(event: SyscallEvent): string {
  switch (event.kind) {
    case 'syscall': {
      const errno = event.errno ? ` ${event.errno} (${event.errnoText ?? ''})` : '';
      const duration = event.duration !== undefined ? ` <${event.duration.toFixed(6)}>` : '';
      const result = event.result !== undefined ? ` = ${event.result}${errno}${duration}` : ' = ?';
      return `${event.syscall}(${event.args ?? ''})${result}`;
    }
    case 'signal':
      return `--- ${event.signal ?? '?'}${event.args ? ` ${event.args}` : ''} ---`;
    case 'exit':
      return `+++ exited with ${event.exitCode ?? '?'} +++`;
    case 'killed':
      return `+++ killed by ${event.signal ?? '?'} +++`;
    default:
      return event.raw.replace(/^(\[pid\s+\d+\]\s+)/, '');
  }
}

/** The clock part of strace's -tt stamp, or -ttt seconds as a wall-clock time. */
export function formatEventTime(time: string | undefined): string {
  if (!time) return '';
  if (/^\d+\.\d+$/.test(time)) {
    const date = new Date(Number(time) * 1000);
    return `${date.toISOString().slice(11, 19)}.${time.split('.')[1]?.slice(0, 6) ?? ''}`;
  }
  return time;
}

export class TraceLog {
  private readonly ring: RingBuffer<TraceLine>;
  private readonly counts = new Map<string, SyscallCount>();
  private paused = false;
  private skipped = 0;
  private total = 0;

  constructor(capacity = TRACE_CAPACITY) {
    this.ring = new RingBuffer(capacity);
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Events that arrived while paused (counted, not shown). */
  get skippedWhilePaused(): number {
    return this.skipped;
  }

  /** Events received since the trace started. */
  get received(): number {
    return this.total;
  }

  get held(): number {
    return this.ring.length;
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) this.skipped = 0;
  }

  clear(): void {
    this.ring.clear();
    this.counts.clear();
    this.skipped = 0;
    this.total = 0;
  }

  add(events: readonly SyscallEvent[]): void {
    for (const event of events) {
      this.total++;
      const cls = event.kind === 'syscall' && event.syscall ? classifySyscall(event.syscall) : undefined;
      const failed = event.kind === 'syscall' && event.errno !== undefined;
      if (event.kind === 'syscall' && event.syscall && cls) {
        const count = this.counts.get(event.syscall) ?? { syscall: event.syscall, cls, calls: 0, errors: 0, seconds: 0 };
        count.calls++;
        if (failed) count.errors++;
        count.seconds += event.duration ?? 0;
        this.counts.set(event.syscall, count);
      }
      if (this.paused) {
        this.skipped++;
        continue;
      }
      this.ring.push({ seq: this.ring.totalPushed, event, cls, failed });
    }
  }

  /** Lines held that pass the filter, oldest first. */
  lines(filter: TraceFilter, extraClass?: SyscallClass): TraceLine[] {
    const out: TraceLine[] = [];
    const unfiltered = filter.names.length === 0 && filter.classes.length === 0 && !extraClass;
    for (let i = 0; i < this.ring.length; i++) {
      const line = this.ring.at(i) as TraceLine;
      if (unfiltered || matchesFilter(line, filter, extraClass)) out.push(line);
    }
    return out;
  }

  /** Counts by syscall, most called first (then by name, so the order is stable). */
  countsBySyscall(): SyscallCount[] {
    return [...this.counts.values()].sort((a, b) => b.calls - a.calls || a.syscall.localeCompare(b.syscall));
  }
}
