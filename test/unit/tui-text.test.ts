// Terminal text: widths that agree with blessed, names from a target made safe, fitting.
import { describe, expect, it } from 'vitest';
import { cleanText, displayWidth, escapeTags, fit, stripTags, truncate } from '../../src/tui/text.js';

describe('tui text', () => {
  it('counts CJK as two columns, combining marks as none, ASCII as one', () => {
    expect(displayWidth('app')).toBe(3);
    expect(displayWidth('日本語.txt')).toBe(10);
    expect(displayWidth('cafe\u0301')).toBe(4);
    expect(displayWidth('ｆｕｌｌ')).toBe(8);
  });

  it('makes names from a target safe: control bytes, escapes and emoji cannot break a row', () => {
    expect(cleanText('new\nline')).toBe('new?line');
    expect(cleanText('\x1b[31mred')).toBe('?[31mred');
    expect(cleanText('tab\there')).toBe('tab here');
    expect(cleanText('rocket 🚀 launch')).toBe('rocket ? launch');
    expect(cleanText('zw\u200djoin\ufe0f')).toBe('zwjoin');
    expect(cleanText('日本語 café')).toBe('日本語 café');
  });

  it('fits to exact widths, cutting with an ellipsis, never splitting a wide character', () => {
    expect(fit('abc', 5)).toBe('abc  ');
    expect(fit('abc', 5, 'right')).toBe('  abc');
    expect(fit('abcdefgh', 5)).toBe('abcd…');
    expect(truncate('日本語テキスト', 6)).toBe('日本…');
    expect(displayWidth(fit('日本語テキスト', 6))).toBe(6);
    expect(displayWidth(fit('日本語テキスト', 7))).toBe(7);
    expect(fit('anything', 0)).toBe('');
  });

  it('escapes blessed tags in text and strips them from markup', () => {
    expect(escapeTags('{bold}x{/bold}')).toBe('{open}bold{close}x{open}/bold{close}');
    expect(stripTags(`{red-fg}${escapeTags('a{b}c')}{/red-fg}`)).toBe('a{b}c');
  });
});
