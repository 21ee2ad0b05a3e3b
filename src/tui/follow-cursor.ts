// Scrolling over a live stream (trace events, log lines): following the newest line until
// the user moves, then anchored to a line by its sequence number so it stays put while new
// lines arrive and old ones leave the ring buffer; End follows again. Pure.
import { ListCursor, navigate } from './table.js';

const MOVES = new Set(['up', 'down', 'pageUp', 'pageDown', 'top', 'bottom']);

export interface Sequenced {
  seq: number;
}

export class FollowCursor {
  private following = true;
  private anchorSeq = 0;
  private readonly cursor = new ListCursor();

  get isFollowing(): boolean {
    return this.following;
  }

  follow(): void {
    this.following = true;
  }

  /** Selects the line with this sequence number (a search match) and stops following. */
  jumpTo(seq: number): void {
    this.following = false;
    this.anchorSeq = seq;
  }

  /** Applies a movement; false when the action is not one. */
  move(action: string, lines: readonly Sequenced[], height: number): boolean {
    if (!MOVES.has(action)) return false;
    if (action === 'bottom') {
      this.following = true;
      return true;
    }
    this.place(lines, height);
    navigate(this.cursor, action, lines.length, height);
    this.following = action === 'down' && this.cursor.index >= lines.length - 1;
    const line = lines[this.cursor.index];
    if (line) this.anchorSeq = line.seq;
    return true;
  }

  /** The visible window over `lines` (in sequence order) and the selected index (-1 while following). */
  window(lines: readonly Sequenced[], height: number): { from: number; to: number; selected: number } {
    if (this.following) {
      const from = Math.max(0, lines.length - height);
      return { from, to: lines.length, selected: -1 };
    }
    this.place(lines, height);
    const line = lines[this.cursor.index];
    if (line) this.anchorSeq = line.seq;
    return { from: this.cursor.top, to: Math.min(lines.length, this.cursor.top + height), selected: this.cursor.index };
  }

  private place(lines: readonly Sequenced[], height: number): void {
    if (this.following) {
      this.cursor.index = lines.length - 1;
      this.cursor.top = Math.max(0, lines.length - height);
    } else {
      this.cursor.index = indexOfSeq(lines, this.anchorSeq);
    }
    this.cursor.clamp(lines.length, height);
  }
}

/** Index of the first line at or after `seq` (the last line when all are before it). */
export function indexOfSeq(lines: readonly Sequenced[], seq: number): number {
  let low = 0;
  let high = lines.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((lines[mid] as Sequenced).seq < seq) low = mid + 1;
    else high = mid;
  }
  return Math.min(low, lines.length - 1);
}
