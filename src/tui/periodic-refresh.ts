// A pane's periodic reload: every interval while the pane is shown, not paused and not
// frozen; each load cancels the one before (a slow answer never overwrites a newer one),
// and a load still under way is not piled onto.
import { LatestTask } from './latest-task.js';

export const REFRESH_MS = 2000;

export class PeriodicRefresh<T> {
  private timer: NodeJS.Timeout | undefined;
  private soonTimer: NodeJS.Timeout | undefined;
  private readonly task = new LatestTask();
  private active = false;
  private paused = false;
  private frozen = false;

  constructor(
    private readonly load: (signal: AbortSignal) => Promise<T>,
    private readonly onData: (value: T) => void,
    private readonly onError: (error: Error) => void,
    private readonly intervalMs = REFRESH_MS,
  ) {}

  get isPaused(): boolean {
    return this.paused;
  }

  /** Shown: load now and keep loading; hidden: stop the timer. */
  setActive(active: boolean): void {
    this.active = active;
    if (active) this.now();
    this.schedule();
  }

  togglePause(): void {
    this.paused = !this.paused;
    if (!this.paused) this.now();
    this.schedule();
  }

  setFrozen(frozen: boolean): void {
    this.frozen = frozen;
    if (frozen) this.task.cancel();
    else if (this.active) this.now();
    this.schedule();
  }

  now(): void {
    if (this.frozen) return;
    void this.task.run(this.load).then(
      (value) => {
        if (value !== undefined && !this.frozen) this.onData(value);
      },
      (error: Error) => this.onError(error),
    );
  }

  /** One extra load after `ms`, unless hidden, paused or frozen by then (replaces an earlier one). */
  soon(ms: number): void {
    clearTimeout(this.soonTimer);
    this.soonTimer = setTimeout(() => {
      this.soonTimer = undefined;
      if (this.active && !this.paused) this.now();
    }, ms);
  }

  dispose(): void {
    this.active = false;
    this.schedule();
    this.task.cancel();
  }

  private schedule(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    clearTimeout(this.soonTimer);
    this.soonTimer = undefined;
    if (!this.active || this.paused || this.frozen) return;
    this.timer = setInterval(() => {
      if (!this.task.busy) this.now();
    }, this.intervalMs);
  }
}
