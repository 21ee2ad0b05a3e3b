// The pager (process details, file viewer) and the footer's line editor.
import { describe, expect, it } from 'vitest';
import { LineEditor } from '../../src/tui/line-editor.js';
import { Pager, wrapLine } from '../../src/tui/pager.js';
import { stripTags } from '../../src/tui/text.js';
import { createTheme } from '../../src/tui/theme.js';

const theme = createTheme({});

describe('pager', () => {
  const lines = Array.from({ length: 100 }, (_, i) => (i === 70 ? 'the NEEDLE is here' : `line ${i}`));

  it('wraps long lines to the width, wide characters whole', () => {
    expect(wrapLine('abcdefgh', 3)).toEqual(['abc', 'def', 'gh']);
    expect(wrapLine('日本語', 5)).toEqual(['日本', '語']);
  });

  it('scrolls by lines and pages within bounds and says where it is', () => {
    const pager = new Pager({ title: 'file', lines });
    pager.render(40, 11, theme);
    expect(pager.position()).toBe('lines 1-10 of 100');
    pager.scroll('pageDown');
    pager.render(40, 11, theme);
    expect(pager.position()).toBe('lines 10-19 of 100');
    pager.scroll('bottom');
    pager.render(40, 11, theme);
    expect(pager.position()).toBe('lines 91-100 of 100');
    pager.scroll('top');
    pager.scroll('up');
    pager.render(40, 11, theme);
    expect(pager.position()).toBe('lines 1-10 of 100');
  });

  it('searches case-insensitively, jumps to the match and highlights it', () => {
    const pager = new Pager({ title: 'file', subtitle: '1K · ASCII text', lines });
    pager.render(40, 12, theme);
    pager.setSearch('needle');
    const shown = pager.render(40, 12, theme);
    expect(pager.matchStatus()).toEqual({ count: 1, current: 1 });
    const hit = shown.find((l) => stripTags(l) === 'the NEEDLE is here');
    expect(hit).toContain('{black-fg}{yellow-bg}NEEDLE{/yellow-bg}{/black-fg}');
    expect(stripTags(shown[1] ?? '')).toMatch(/^1K · ASCII text/);
    pager.setSearch('absent');
    expect(pager.matchStatus().count).toBe(0);
    expect(pager.jump(1)).toBe(false);
  });
});

describe('line editor', () => {
  it('edits like readline: insert, move, delete words and lines', () => {
    const editor = new LineEditor('/tmp');
    expect(editor.key('/', '/')).toBe('changed');
    editor.key('o', 'o');
    editor.key('u', 'u');
    editor.key('t', 't');
    expect(editor.value).toBe('/tmp/out');
    editor.key('C-w');
    expect(editor.value).toBe('');
    for (const ch of 'a b') editor.key(ch === ' ' ? 'space' : ch, ch === ' ' ? undefined : ch);
    editor.key('home');
    editor.key('x', 'x');
    expect(editor.value).toBe('xa b');
    editor.key('end');
    editor.key('backspace');
    expect(editor.value).toBe('xa ');
    editor.key('C-u');
    expect(editor.value).toBe('');
    expect(editor.key('enter')).toBe('submit');
    expect(editor.key('escape')).toBe('cancel');
    expect(editor.key('up')).toBe(false);
  });

  it('accepts non-ASCII input and keeps the cursor in view', () => {
    const editor = new LineEditor('日本語/');
    editor.key('é', 'é');
    expect(editor.value).toBe('日本語/é');
    const shown = stripTags(editor.render(6));
    expect(shown.endsWith('/é ')).toBe(true);
  });
});
