// A less-like pager for text that replaces the view's body: process details, a file of the
// target. Lines wrap to the width, `/` searches (case-insensitive), n/N jump between matches
// and the matches are highlighted. Pure.
import { charWidth, cleanText, fit } from './text.js';
import { highlightMatches, type Theme } from './theme.js';

export interface PagerContent {
  title: string;
  lines: string[];
  /** A line under the title (e.g. "12.3K · ASCII text"). */
  subtitle?: string;
}

/** Splits a line into pieces of at most `width` columns. */
export function wrapLine(line: string, width: number): string[] {
  if (width <= 0) return [line];
  const pieces: string[] = [];
  let current = '';
  let used = 0;
  for (const ch of line) {
    const w = charWidth(ch.codePointAt(0) ?? 0);
    if (used + w > width) {
      pieces.push(current);
      current = '';
      used = 0;
    }
    current += ch;
    used += w;
  }
  pieces.push(current);
  return pieces;
}

export class Pager {
  private top = 0;
  private query = '';
  private wrapped: string[] = [];
  private wrappedWidth = -1;
  private height = 1;
  private matchIndex = -1;

  constructor(readonly content: PagerContent) {}

  get search(): string {
    return this.query;
  }

  setSearch(query: string): void {
    this.query = query;
    this.matchIndex = -1;
    if (query) this.jump(1, true);
  }

  /** Moves to the next (1) or previous (-1) match; false when there is none. */
  jump(direction: 1 | -1, fromTop = false): boolean {
    const matches = this.matches();
    if (matches.length === 0) return false;
    if (fromTop) {
      const first = matches.findIndex((line) => line >= this.top);
      this.matchIndex = first >= 0 ? first : 0;
    } else {
      this.matchIndex = (this.matchIndex + direction + matches.length) % matches.length;
    }
    this.top = this.clampTop((matches[this.matchIndex] ?? 0) - Math.floor(this.height / 3));
    return true;
  }

  /** How many lines match, and which one is current (1-based). */
  matchStatus(): { count: number; current: number } {
    return { count: this.query ? this.matches().length : 0, current: this.matchIndex + 1 };
  }

  scroll(action: string): boolean {
    const page = Math.max(1, this.height - 1);
    const moves: Record<string, number> = { up: -1, down: 1, pageUp: -page, pageDown: page };
    if (action in moves) this.top = this.clampTop(this.top + (moves[action] ?? 0));
    else if (action === 'top') this.top = 0;
    else if (action === 'bottom') this.top = this.clampTop(Number.MAX_SAFE_INTEGER);
    else return false;
    return true;
  }

  render(width: number, height: number, theme: Theme): string[] {
    this.layout(width);
    const header = [theme.paint('title', fit(cleanText(this.content.title), width))];
    if (this.content.subtitle !== undefined) header.push(theme.paint('dim', fit(cleanText(this.content.subtitle), width)));
    this.height = Math.max(1, height - header.length);
    this.top = this.clampTop(this.top);
    const visible = this.wrapped.slice(this.top, this.top + this.height).map((line) => highlightMatches(line, this.query, theme));
    return [...header, ...visible];
  }

  /** "lines 1-20 of 340" for the status line. */
  position(): string {
    const last = Math.min(this.wrapped.length, this.top + this.height);
    return `lines ${this.wrapped.length === 0 ? 0 : this.top + 1}-${last} of ${this.wrapped.length}`;
  }

  private layout(width: number): void {
    if (width === this.wrappedWidth) return;
    this.wrappedWidth = width;
    this.wrapped = this.content.lines.flatMap((line) => wrapLine(cleanText(line), width));
  }

  private matches(): number[] {
    const q = this.query.toLowerCase();
    if (!q) return [];
    const out: number[] = [];
    this.wrapped.forEach((line, i) => {
      if (line.toLowerCase().includes(q)) out.push(i);
    });
    return out;
  }

  private clampTop(top: number): number {
    return Math.max(0, Math.min(top, this.wrapped.length - this.height));
  }
}
