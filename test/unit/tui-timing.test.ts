// The TUI's plumbing for background work: bounded buffers, batched redraws, cancel-the-previous tasks.
import { describe, expect, it, vi } from 'vitest';
import { LatestTask } from '../../src/tui/latest-task.js';
import { RenderThrottle, type Clock } from '../../src/tui/render-throttle.js';
import { RingBuffer } from '../../src/tui/ring-buffer.js';

class ManualClock implements Clock {
  time = 0;
  private timers: Array<{ at: number; run: () => void; id: number }> = [];
  private next = 1;
  now(): number {
    return this.time;
  }
  setTimeout(run: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.push({ at: this.time + ms, run, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  advance(ms: number): void {
    this.time += ms;
    const due = this.timers.filter((t) => t.at <= this.time);
    this.timers = this.timers.filter((t) => t.at > this.time);
    for (const t of due) t.run();
  }
}

describe('RingBuffer', () => {
  it('keeps the newest items up to its capacity, numbering what it dropped', () => {
    const ring = new RingBuffer<number>(3);
    for (let i = 0; i < 5; i++) ring.push(i);
    expect(ring.toArray()).toEqual([2, 3, 4]);
    expect(ring.length).toBe(3);
    expect(ring.firstSeq).toBe(2);
    expect(ring.dropped).toBe(2);
    expect(ring.at(0)).toBe(2);
    expect(ring.at(3)).toBeUndefined();
  });

  it('stays bounded whatever the number of pushes', () => {
    const ring = new RingBuffer<{ n: number }>(1000);
    for (let i = 0; i < 200_000; i++) ring.push({ n: i });
    expect(ring.length).toBe(1000);
    expect(ring.at(999)?.n).toBe(199_999);
  });
});

describe('RenderThrottle', () => {
  it('draws the first request at once, then at most once per interval however many requests come', () => {
    const clock = new ManualClock();
    let draws = 0;
    const throttle = new RenderThrottle(() => draws++, 80, clock);
    throttle.request();
    expect(draws).toBe(1);
    for (let i = 0; i < 5000; i++) throttle.request();
    expect(draws).toBe(1);
    clock.advance(79);
    expect(draws).toBe(1);
    clock.advance(1);
    expect(draws).toBe(2);
    clock.advance(1000);
    expect(draws).toBe(2);
  });

  it('holds drawing while suspended and draws once on release if something was asked', () => {
    const clock = new ManualClock();
    let draws = 0;
    const throttle = new RenderThrottle(() => draws++, 80, clock);
    throttle.hold();
    throttle.request();
    clock.advance(500);
    expect(draws).toBe(0);
    throttle.release();
    expect(draws).toBe(1);
  });
});

describe('LatestTask', () => {
  it('cancels the previous task, whose late answer is dropped', async () => {
    const task = new LatestTask();
    let release: (value: string) => void = () => undefined;
    let firstSignal: AbortSignal | undefined;
    const first = task.run((signal) => {
      firstSignal = signal;
      return new Promise<string>((resolve) => (release = resolve));
    });
    const second = task.run(async () => 'second');
    release('first');
    expect(await first).toBeUndefined();
    expect(firstSignal?.aborted).toBe(true);
    expect(await second).toBe('second');
    expect(task.busy).toBe(false);
  });
});

describe('LatestTask, serial', () => {
  it('starts the next task only once the previous one settled, and skips one superseded while waiting', async () => {
    const task = new LatestTask({ serial: true });
    const events: string[] = [];
    let release: () => void = () => undefined;
    const first = task.run(async (signal) => {
      events.push('first starts');
      await new Promise<void>((resolve) => (release = resolve));
      events.push(`first ends (aborted: ${signal.aborted})`);
    });
    await vi.waitFor(() => expect(events).toEqual(['first starts']));
    const skipped = task.run(async () => {
      events.push('skipped starts');
      return 'skipped';
    });
    const third = task.run(async () => {
      events.push('third starts');
      return 'third';
    });
    // The first still runs: nothing after it may start yet.
    await vi.waitFor(() => expect(task.busy).toBe(true));
    expect(events).toEqual(['first starts']);
    release();
    expect([await first, await skipped, await third]).toEqual([undefined, undefined, 'third']);
    expect(events).toEqual(['first starts', 'first ends (aborted: true)', 'third starts']);
  });
});
