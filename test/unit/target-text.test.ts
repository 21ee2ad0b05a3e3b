// Text from a target: byte-exact decoding and the one escaping every printer uses.
import { describe, expect, it } from 'vitest';
import {
  decodeTargetBytes,
  encodeTargetText,
  fsPath,
  hasEscapedBytes,
  isTerminalControl,
  jsonSafe,
  terminalSafe,
} from '../../src/core/target-text.js';

describe('decodeTargetBytes / encodeTargetText', () => {
  it('keeps valid UTF-8 as it is', () => {
    const text = 'café 日本語 🚀';
    expect(decodeTargetBytes(Buffer.from(text))).toBe(text);
    expect(hasEscapedBytes(text)).toBe(false);
  });

  it('keeps two Latin-1 names apart and gives back their exact bytes', () => {
    const e9 = Buffer.from('caf\xe9.txt', 'latin1');
    const e8 = Buffer.from('caf\xe8.txt', 'latin1');
    const a = decodeTargetBytes(e9);
    const b = decodeTargetBytes(e8);
    expect(a).not.toBe(b);
    expect(hasEscapedBytes(a)).toBe(true);
    expect(encodeTargetText(a).equals(e9)).toBe(true);
    expect(encodeTargetText(b).equals(e8)).toBe(true);
  });

  it('round-trips overlongs, surrogates, truncated sequences and bytes past U+10FFFF', () => {
    const cases = [
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xe6, 0x97],
      [0xf4, 0x90, 0x80, 0x80],
      [0xff, 0x41, 0xfe],
      [0xf0, 0x9f, 0x9a, 0x80, 0x80],
    ];
    for (const bytes of cases) {
      const buffer = Buffer.from(bytes);
      expect(encodeTargetText(decodeTargetBytes(buffer)).equals(buffer)).toBe(true);
    }
  });

  it('leaves a real astral character whose low half looks like an escaped byte alone', () => {
    const text = '\u{1F080}'; // D83C DC80
    expect(hasEscapedBytes(text)).toBe(false);
    expect(encodeTargetText(text).equals(Buffer.from(text, 'utf8'))).toBe(true);
    expect(terminalSafe(text)).toBe(text);
  });
});

describe('terminalSafe', () => {
  it('leaves ordinary text, non-ASCII included, unchanged', () => {
    expect(terminalSafe('/usr/bin/app --port=8080')).toBe('/usr/bin/app --port=8080');
    expect(terminalSafe('日本語 café 🚀')).toBe('日本語 café 🚀');
  });

  it('shows a retitling sequence and a screen clear as text', () => {
    expect(terminalSafe('\x1b]0;pwned\x07 \x1b[2J')).toBe('\\x1b]0;pwned\\x07 \\x1b[2J');
  });

  it('escapes tabs and newlines inside a field, DEL, and backslash itself', () => {
    expect(terminalSafe('a\tb\nc\rd\x7f')).toBe('a\\tb\\nc\\rd\\x7f');
    expect(terminalSafe('C:\\x1b')).toBe('C:\\\\x1b');
  });

  it('leaves backslash alone in text that already escapes with it (strace)', () => {
    expect(terminalSafe('write(1, "a\\n", 2)\x1b', { alreadyEscaped: true })).toBe('write(1, "a\\n", 2)\\x1b');
  });

  it('escapes C1 controls, separators and bidi overrides as \\u', () => {
    expect(terminalSafe('\u009b2J')).toBe('\\u009b2J');
    expect(terminalSafe('a\u2028b')).toBe('a\\u2028b');
    expect(terminalSafe('evil\u202etxt.exe')).toBe('evil\\u202etxt.exe');
  });

  it('shows bytes that were not UTF-8 as \\x', () => {
    expect(terminalSafe(decodeTargetBytes(Buffer.from('caf\xe9\x1b', 'latin1')))).toBe('caf\\xe9\\x1b');
  });

  it('escapes a lone surrogate that did not come from a byte as \\u', () => {
    expect(terminalSafe('x\ud800y')).toBe('x\\ud800y');
  });
});

describe('jsonSafe', () => {
  it('escapes what JSON.stringify leaves raw, and stays the same JSON', () => {
    const value = { command: '\u009b2J\x1b]0;t\x07 \u202e \x7f café' };
    const json = jsonSafe(JSON.stringify(value));
    expect(json).toBe('{"command":"\\u009b2J\\u001b]0;t\\u0007 \\u202e \\u007f café"}');
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('isTerminalControl', () => {
  it('is the set terminalSafe escapes, without backslash', () => {
    for (const ch of ['\x1b', '\x07', '\n', '\x7f', '\u009b', '\u202e', '\udce9']) expect(isTerminalControl(ch)).toBe(true);
    for (const ch of ['a', '\\', 'é', '日', '🚀']) expect(isTerminalControl(ch)).toBe(false);
  });
});

describe('fsPath', () => {
  it('is the string for UTF-8 names and the exact bytes for the others', () => {
    expect(fsPath('/tmp/café')).toBe('/tmp/café');
    const bytes = Buffer.from('/tmp/caf\xe9', 'latin1');
    expect(fsPath(decodeTargetBytes(bytes))).toEqual(bytes);
  });
});
