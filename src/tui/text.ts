// Terminal text for the TUI: display widths that agree with blessed's own (fullUnicode) and
// with the terminal, cleaning of names that come from a target (control bytes, emoji),
// fitting to columns, and escaping for blessed's {tag} markup. Pure.

import { isTerminalControl } from '../core/target-text.js';

/**
 * Wide (two-column) code points, as blessed 0.1.81 counts them. Layout only holds when our
 * count and blessed's agree, so this mirrors its table rather than a newer Unicode one.
 */
const WIDE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f],
  [0x11a3, 0x11a7],
  [0x11fa, 0x11ff],
  [0x2329, 0x232a],
  [0x2e80, 0x2e99],
  [0x2e9b, 0x2ef3],
  [0x2f00, 0x2fd5],
  [0x2ff0, 0x2ffb],
  [0x3000, 0x303e],
  [0x3041, 0x3096],
  [0x3099, 0x30ff],
  [0x3105, 0x312d],
  [0x3131, 0x318e],
  [0x3190, 0x31ba],
  [0x31c0, 0x31e3],
  [0x31f0, 0x321e],
  [0x3220, 0x3247],
  [0x3250, 0x32fe],
  [0x3300, 0x4dbf],
  [0x4e00, 0xa48c],
  [0xa490, 0xa4c6],
  [0xa960, 0xa97c],
  [0xac00, 0xd7a3],
  [0xd7b0, 0xd7c6],
  [0xd7cb, 0xd7fb],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe52],
  [0xfe54, 0xfe66],
  [0xfe68, 0xfe6b],
  [0xff01, 0xff60],
  [0xffe0, 0xffe6],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

const ZERO_WIDTH = /^[\p{Mn}\p{Me}]$/u;

function isWide(point: number): boolean {
  for (const [low, high] of WIDE_RANGES) {
    if (point < low) return false;
    if (point <= high) return true;
  }
  return false;
}

/** Columns one code point takes on the screen (after `cleanText`). */
export function charWidth(point: number): number {
  if (point < 0x20 || (point >= 0x7f && point < 0xa0)) return 0;
  if (ZERO_WIDTH.test(String.fromCodePoint(point))) return 0;
  return isWide(point) ? 2 : 1;
}

export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch.codePointAt(0) ?? 0);
  return width;
}

/**
 * Makes text from a target safe to lay out: control characters (a newline in a file name,
 * an escape sequence in a process title; the set core/target-text.ts defines for the CLI's
 * escapes, bytes that were not UTF-8 included) become `?`, format characters (zero-width joiner,
 * variation selectors) go, and astral characters that blessed and terminals disagree on
 * (emoji) become `?`, so every row keeps its width.
 */
export function cleanText(text: string): string {
  let out = '';
  for (const ch of text) {
    const point = ch.codePointAt(0) ?? 0;
    if (point === 0x09) out += ' ';
    else if (isTerminalControl(ch)) out += '?';
    else if (/\p{Cf}/u.test(ch) || (point >= 0xfe00 && point <= 0xfe0f)) continue;
    else if (point > 0xffff && !isWide(point)) out += '?';
    else out += ch;
  }
  return out;
}

/** Cuts text to at most `width` columns, marking the cut with an ellipsis. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = charWidth(ch.codePointAt(0) ?? 0);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return out + '…';
}

/** Exactly `width` columns: truncated or padded (right-aligned with align 'right'). */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const cut = truncate(text, width);
  const pad = ' '.repeat(Math.max(0, width - displayWidth(cut)));
  return align === 'right' ? pad + cut : cut + pad;
}

/** Escapes braces so blessed's tag parser shows them as text. */
export function escapeTags(text: string): string {
  return text.replace(/[{}]/g, (brace) => (brace === '{' ? '{open}' : '{close}'));
}

/** Removes blessed tags: what a line says, for tests and for saving to files. */
export function stripTags(markup: string): string {
  return markup.replace(/\{(\/?[a-z0-9-]+|\/|open|close)\}/gi, (tag) => (tag === '{open}' ? '{' : tag === '{close}' ? '}' : ''));
}
