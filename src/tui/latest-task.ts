// Background work for one pane, lazydocker style: starting a task cancels the one before,
// so switching the traced process or the directory never leaves two streams running, and
// a slow answer to an old request never overwrites a newer one. A serial task also waits for
// the previous one to settle before the next starts (a trace must detach before the next
// attaches: ptrace allows one tracer), and a task superseded while waiting never starts.

export type TaskBody<T> = (signal: AbortSignal) => Promise<T>;

export class LatestTask {
  private controller: AbortController | undefined;
  private running: Promise<unknown> | undefined;
  /** Settles when the last task started has settled (serial tasks wait for it). */
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly options: { serial?: boolean } = {}) {}

  /** True while the latest task has not settled. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /**
   * Cancels the previous task and runs this one. Resolves with its value, or with
   * undefined when a newer task (or cancel()) superseded it before it finished.
   */
  async run<T>(body: TaskBody<T>): Promise<T | undefined> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const previous = this.tail;
    const running = this.options.serial
      ? previous.then(() => (controller.signal.aborted ? undefined : body(controller.signal)))
      : body(controller.signal);
    this.running = running;
    this.tail = running.then(
      () => undefined,
      () => undefined,
    );
    try {
      const value = await running;
      return controller.signal.aborted ? undefined : value;
    } catch (error) {
      if (controller.signal.aborted) return undefined;
      throw error;
    } finally {
      if (this.running === running) this.running = undefined;
    }
  }

  cancel(): void {
    this.controller?.abort();
    this.controller = undefined;
  }
}
