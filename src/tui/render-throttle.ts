// Batches redraw requests: however many events arrive, the screen is drawn at most once per
// interval (the first request of a quiet period is drawn at once, so keys feel immediate).
// Timers are injected so tests drive time by hand.

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class RenderThrottle {
  private lastDraw = Number.NEGATIVE_INFINITY;
  private timer: unknown;
  private held = false;
  private wanted = false;

  constructor(
    private readonly draw: () => void,
    private readonly intervalMs = 80,
    private readonly clock: Clock = realClock,
  ) {}

  /** Asks for a redraw; it happens now or at the end of the current interval. */
  request(): void {
    this.wanted = true;
    if (this.held || this.timer !== undefined) return;
    const wait = this.lastDraw + this.intervalMs - this.clock.now();
    if (wait <= 0) {
      this.flush();
    } else {
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, wait);
    }
  }

  /** Stops drawing (the TUI is suspended for a shell, or gone); requests are remembered. */
  hold(): void {
    this.held = true;
    this.cancelTimer();
  }

  /** Draws again, at once if anything was asked for while held. */
  release(): void {
    this.held = false;
    if (this.wanted) this.flush();
  }

  dispose(): void {
    this.held = true;
    this.cancelTimer();
  }

  private flush(): void {
    if (this.held) return;
    this.wanted = false;
    this.lastDraw = this.clock.now();
    this.draw();
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
