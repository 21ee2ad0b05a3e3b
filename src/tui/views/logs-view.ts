// The Logs view: the container's log from the engine (the last lines, then following),
// held in a ring buffer; `/` searches and highlights, n/N jump between matches, p stops
// following. The stream starts the first time the view is shown and runs until quit.
import type { LogLine, Stoppable } from '../data-source.js';
import { FollowCursor } from '../follow-cursor.js';
import type { Action } from '../keymap.js';
import { RingBuffer } from '../ring-buffer.js';
import { cleanText, fit, truncate } from '../text.js';
import { highlightMatches } from '../theme.js';
import { count, type View, type ViewContext } from '../view.js';

export const LOG_CAPACITY = 10_000;

interface HeldLine extends LogLine {
  seq: number;
}

export class LogsView implements View {
  readonly id = 'logs' as const;
  private readonly ring: RingBuffer<HeldLine>;
  private readonly scroll = new FollowCursor();
  private stream: Stoppable | undefined;
  private started = false;
  private ended: string | undefined;
  private query = '';
  private height = 20;
  private shown: HeldLine[] = [];

  constructor(
    private readonly ctx: ViewContext,
    capacity = LOG_CAPACITY,
  ) {
    this.ring = new RingBuffer(capacity);
  }

  activate(): void {
    if (this.started) return;
    this.started = true;
    this.ctx.data
      .followLogs(
        (lines) => {
          for (const line of lines) this.ring.push({ ...line, seq: this.ring.totalPushed });
          this.ctx.requestRender();
        },
        (error) => {
          this.ended = error ? `log stream ended: ${error.message}` : 'log stream ended';
          this.ctx.requestRender();
        },
      )
      .then(
        (stream) => {
          this.stream = stream;
        },
        (error: Error) => {
          this.ended = `logs: ${error.message}`;
          this.ctx.notify(this.ended, 'error');
        },
      );
  }

  deactivate(): void {}

  freeze(): void {
    // The engine ends the stream of a stopped container itself; what was read stays.
  }

  thaw(): void {}

  async dispose(): Promise<void> {
    await this.stream?.stop().catch(() => undefined);
  }

  onAction(action: Action): boolean {
    this.shown = this.ring.toArray();
    if (this.scroll.move(action, this.shown, this.height)) {
      this.ctx.requestRender();
      return true;
    }
    switch (action) {
      case 'pause':
        if (this.scroll.isFollowing) {
          const last = this.shown[this.shown.length - 1];
          if (last) this.scroll.jumpTo(last.seq);
        } else this.scroll.follow();
        this.ctx.requestRender();
        return true;
      case 'search':
        this.ctx.prompt({
          label: 'search the log',
          initial: this.query,
          onSubmit: (q) => {
            this.query = q;
            if (q && !this.jump(-1, true)) this.ctx.notify(`"${q}" is not in the last ${this.ring.length} lines`, 'error');
            this.ctx.requestRender();
          },
        });
        return true;
      case 'nextMatch':
      case 'previousMatch':
        if (!this.query) return true;
        if (!this.jump(action === 'nextMatch' ? 1 : -1, false)) this.ctx.notify(`no further match for "${this.query}"`);
        this.ctx.requestRender();
        return true;
      case 'back':
        if (!this.query) return false;
        this.query = '';
        this.ctx.requestRender();
        return true;
      default:
        return false;
    }
  }

  render(width: number, height: number): string[] {
    const theme = this.ctx.theme;
    this.height = Math.max(1, height);
    this.shown = this.ring.toArray();
    if (this.shown.length === 0) return [theme.paint('dim', fit(this.ended ?? (this.started ? 'waiting for log lines…' : ''), width))];
    const { from, to, selected } = this.scroll.window(this.shown, this.height);
    return this.shown.slice(from, to).map((line, i) => {
      let markup = highlightMatches(truncate(cleanText(line.text), width), this.query, theme);
      if (line.stream === 'stderr') markup = theme.wrap('warning', markup);
      return from + i === selected ? theme.wrap('selected', markup) : markup;
    });
  }

  status(): string {
    const parts = [count(this.ring.length, 'line', 'lines')];
    if (this.ring.dropped > 0) parts.push(`${this.ring.dropped} older dropped`);
    if (this.query) parts.push(`search "${this.query}"`);
    parts.push(this.scroll.isFollowing ? 'following' : 'paused (End follows)');
    if (this.ended) parts.push(this.ended);
    return parts.join(' · ');
  }

  /** Moves to the next (1) or previous (-1) line holding the query; from the end when `fromEnd`. */
  private jump(direction: 1 | -1, fromEnd: boolean): boolean {
    const q = this.query.toLowerCase();
    const lines = this.shown;
    const { selected } = this.scroll.window(lines, this.height);
    let i = fromEnd || selected < 0 ? lines.length : selected;
    for (i += direction; i >= 0 && i < lines.length; i += direction) {
      const line = lines[i] as HeldLine;
      if (line.text.toLowerCase().includes(q)) {
        this.scroll.jumpTo(line.seq);
        return true;
      }
    }
    return false;
  }
}
