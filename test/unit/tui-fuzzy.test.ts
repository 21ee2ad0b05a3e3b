// Fuzzy filtering for the picker and the tables.
import { describe, expect, it } from 'vitest';
import { fuzzyFilter, fuzzyKeep, fuzzyScore } from '../../src/tui/fuzzy.js';

describe('fuzzy filter', () => {
  it('matches characters in order, case-insensitively', () => {
    expect(fuzzyScore('rdm', 'remora-demo')).not.toBeNull();
    expect(fuzzyScore('RDM', 'remora-demo')).not.toBeNull();
    expect(fuzzyScore('mdr', 'remora-demo')).toBeNull();
    expect(fuzzyScore('', 'anything')).toBe(0);
  });

  it('ranks a substring above a scattered match, and an earlier one above a later one', () => {
    const names = ['postgres', 'apache-proxy', 'app', 'web-app'];
    expect(fuzzyFilter(names, 'app', (n) => n)).toEqual(['app', 'web-app', 'apache-proxy']);
  });

  it('keeps the original order on equal scores and with an empty query', () => {
    expect(fuzzyFilter(['b1', 'a1', 'c1'], '1', (n) => n)).toEqual(['b1', 'a1', 'c1']);
    expect(fuzzyKeep(['z', 'y'], '  ', (n) => n)).toEqual(['z', 'y']);
    expect(fuzzyKeep(['data/', 'dev/', 'etc/'], 'de', (n) => n)).toEqual(['dev/']);
  });
});
