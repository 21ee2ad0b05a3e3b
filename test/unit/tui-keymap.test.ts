// Keys as data: one meaning per key and scope, lookups, the footer and the help view.
import { describe, expect, it } from 'vitest';
import { actionFor, footerEntries, helpRows, KEYMAP, keyLabel, VIEWS, viewForKey } from '../../src/tui/keymap.js';

describe('key map', () => {
  it('gives every key one meaning per scope', () => {
    const seen = new Map<string, string>();
    for (const binding of KEYMAP) {
      for (const key of binding.keys) {
        const id = `${binding.scope}:${key}`;
        expect(seen.get(id), `${id} bound twice`).toBeUndefined();
        seen.set(id, binding.action);
      }
    }
  });

  it('never lets a view key shadow quitting, help or view switching', () => {
    for (const binding of KEYMAP.filter((b) => b.scope !== 'global' && b.scope !== 'pager')) {
      for (const key of binding.keys)
        expect(['q', 'C-c', '?', 'tab', '1', '2', '3', '4', '5', '6'], `${binding.scope}:${key}`).not.toContain(key);
    }
  });

  it('looks up a scope first, then the global keys', () => {
    expect(actionFor('s', 'processes')).toBe('trace');
    expect(actionFor('s', 'trace')).toBe('stopTrace');
    expect(actionFor('k', 'processes')).toBe('signal');
    expect(actionFor('q', 'files')).toBe('quit');
    expect(actionFor('enter', 'files')).toBe('open');
    expect(actionFor('enter', 'shell')).toBe('shell');
    expect(actionFor('z', 'processes')).toBeUndefined();
  });

  it('keeps a pager modal: its keys, scrolling, help; q closes it and Ctrl-C quits', () => {
    expect(actionFor('q', 'pager')).toBe('back');
    expect(actionFor('C-c', 'pager')).toBe('quit');
    expect(actionFor('pagedown', 'pager')).toBe('pageDown');
    expect(actionFor('!', 'pager')).toBeUndefined();
    expect(actionFor('2', 'pager')).toBeUndefined();
  });

  it('switches views with 1-6', () => {
    expect(VIEWS.map((_, i) => viewForKey(String(i + 1)))).toEqual([...VIEWS]);
    expect(viewForKey('7')).toBeUndefined();
    expect(viewForKey('x')).toBeUndefined();
  });

  it('shows the view keys and then quit and help in the footer', () => {
    const footer = footerEntries('trace').map((e) => `${e.key} ${e.label}`);
    expect(footer.slice(0, 3)).toEqual(['p pause', '/ filter', 'f class']);
    expect(footer).toContain('q quit');
    expect(footer).toContain('? help');
    expect(keyLabel('C-c')).toBe('Ctrl-C');
    expect(keyLabel('S-tab')).toBe('Shift-Tab');
  });

  it('renders every binding in the help view, grouped by scope', () => {
    const rows = helpRows();
    for (const binding of KEYMAP) expect(rows.some((r) => r.help === binding.help)).toBe(true);
    expect(rows[0]?.section).toBe('Everywhere');
    expect(new Set(rows.map((r) => r.section))).toEqual(
      new Set(['Everywhere', 'Processes', 'Files', 'Trace', 'Network', 'Logs', 'Shell', 'Details and file viewer']),
    );
  });
});
