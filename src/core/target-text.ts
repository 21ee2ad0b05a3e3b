// Text that comes from a target (file names, process titles, passwd names): decoded from
// bytes without losing one, encoded back to the same bytes, and made visible rather than
// executed when printed to a terminal. Pure; the one home of these rules for the CLI and TUI.
import { isUtf8 } from 'node:buffer';

/**
 * A byte that is not part of valid UTF-8 is kept as the lone surrogate U+DC80..U+DCFF
 * (Python's "surrogateescape"): valid UTF-8 never decodes to one, so the mapping back to
 * the same bytes is exact, and such a string still works as a Map key or a path segment.
 */
const ESCAPED_BYTE_BASE = 0xdc00;

/** Bytes to text, invalid UTF-8 bytes kept (see ESCAPED_BYTE_BASE). */
export function decodeTargetBytes(bytes: Uint8Array): string {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buffer)) return buffer.toString('utf8');
  let out = '';
  let start = 0;
  let i = 0;
  while (i < buffer.length) {
    const length = validSequenceLength(buffer, i);
    if (length > 0) {
      i += length;
      continue;
    }
    out += buffer.toString('utf8', start, i) + String.fromCharCode(ESCAPED_BYTE_BASE + (buffer[i] ?? 0));
    i += 1;
    start = i;
  }
  return out + buffer.toString('utf8', start, i);
}

/** Text back to bytes: the inverse of decodeTargetBytes. */
export function encodeTargetText(text: string): Buffer {
  if (!hasEscapedBytes(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (!isEscapedByte(text, i)) {
      // Skip the low half of a pair: it is encoded with its high half.
      if (unit >= 0xd800 && unit <= 0xdbff) i++;
      continue;
    }
    parts.push(Buffer.from(text.slice(start, i), 'utf8'), Buffer.of(unit - ESCAPED_BYTE_BASE));
    start = i + 1;
  }
  parts.push(Buffer.from(text.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/**
 * Text as UTF-8 carries it, each byte that was not UTF-8 as U+FFFD (as Node reads its
 * argv): for what is never bytes, such as a container's name typed in a path's `NAME:`.
 */
export function utf8Text(text: string): string {
  return hasEscapedBytes(text) ? encodeTargetText(text).toString('utf8') : text;
}

/** Whether text holds bytes that were not valid UTF-8 (and so needs encodeTargetText, not 'utf8'). */
export function hasEscapedBytes(text: string): boolean {
  if (!/[\udc80-\udcff]/.test(text)) return false;
  for (let i = 0; i < text.length; i++) if (isEscapedByte(text, i)) return true;
  return false;
}

function isEscapedByte(text: string, index: number): boolean {
  const unit = text.charCodeAt(index);
  if (unit < 0xdc80 || unit > 0xdcff) return false;
  const before = index > 0 ? text.charCodeAt(index - 1) : 0;
  return !(before >= 0xd800 && before <= 0xdbff);
}

/** Length of the valid UTF-8 sequence at `at`, or 0 (RFC 3629: no overlongs, no surrogates, at most U+10FFFF). */
function validSequenceLength(bytes: Buffer, at: number): number {
  const first = bytes[at] ?? 0;
  if (first < 0x80) return 1;
  const cont = (offset: number, low = 0x80, high = 0xbf): boolean => {
    const b = bytes[at + offset];
    return b !== undefined && b >= low && b <= high;
  };
  if (first >= 0xc2 && first <= 0xdf) return cont(1) ? 2 : 0;
  if (first >= 0xe0 && first <= 0xef) {
    const [low, high] = first === 0xe0 ? [0xa0, 0xbf] : first === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(1, low, high) && cont(2) ? 3 : 0;
  }
  if (first >= 0xf0 && first <= 0xf4) {
    const [low, high] = first === 0xf0 ? [0x90, 0xbf] : first === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(1, low, high) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/**
 * What a terminal would act on rather than show: C0 controls (ESC starts every escape
 * sequence; BEL ends a title), DEL, C1 controls (U+009B is a one-character CSI to some
 * terminals), line and paragraph separators, the bidirectional overrides that reorder what
 * is shown, and lone surrogates (bytes that were not UTF-8). Backslash too, so an escape
 * written here cannot be confused with the same four characters in a name.
 */
const UNSAFE = /[\\\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]/;
const CONTROL = /^[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]$/;

/**
 * Whether one character (as a for-of step yields it) is one a terminal acts on or cannot
 * show (see UNSAFE; backslash excepted). For layouts that replace rather than escape (the TUI).
 */
export function isTerminalControl(ch: string): boolean {
  return CONTROL.test(ch);
}

/** What JSON.stringify leaves raw of UNSAFE (it escapes C0, quotes and lone surrogates itself). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * Text from a target as a terminal may show it: every byte visible, nothing executed, one
 * line. Escapes: `\\`, `\t`, `\n`, `\r`; other C0 controls and DEL as `\x1b`; bytes that
 * were not UTF-8 as `\xe9`; C1 controls, separators and bidi controls as `\u009b`. All
 * other text, non-ASCII included, is unchanged.
 *
 * `alreadyEscaped`: text in a language where backslash already escapes (strace's quoted
 * strings, where `\\` is a backslash): backslash is left alone instead of doubled.
 */
export function terminalSafe(text: string, options: { alreadyEscaped?: boolean } = {}): string {
  if (!UNSAFE.test(text)) return text;
  let out = '';
  for (const ch of text) {
    if (ch.length === 2 || !UNSAFE.test(ch) || (ch === '\\' && options.alreadyEscaped)) {
      out += ch;
      continue;
    }
    const unit = ch.charCodeAt(0);
    const named = NAMED[ch];
    if (named) out += named;
    else if (unit < 0x20 || unit === 0x7f) out += `\\x${hex(unit, 2)}`;
    else if (unit >= 0xdc80 && unit <= 0xdcff) out += `\\x${hex(unit - ESCAPED_BYTE_BASE, 2)}`;
    else out += `\\u${hex(unit, 4)}`;
  }
  return out;
}

function hex(value: number, digits: number): string {
  return value.toString(16).padStart(digits, '0');
}

/** JSON text with what JSON.stringify leaves raw (DEL, C1, separators, bidi) as \u escapes: the same JSON, safe on a terminal. */
export function jsonSafe(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (ch) => `\\u${hex(ch.charCodeAt(0), 4)}`);
}

/**
 * A path for node:fs: the string when it is valid UTF-8 (what Node would encode anyway),
 * else its exact bytes, so a name that came from a target as `caf\xe9` is written as such.
 */
export function fsPath(text: string): string | Buffer {
  return hasEscapedBytes(text) ? encodeTargetText(text) : text;
}
