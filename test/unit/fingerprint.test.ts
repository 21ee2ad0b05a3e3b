import { describe, expect, it } from 'vitest';
import { Fingerprint, fingerprint, randomSuffix } from '../../src/core/fingerprint.js';

describe('fingerprint', () => {
  it('is 16 hex digits, stable, and changes with any byte', () => {
    const base = fingerprint('toolkit-image/Dockerfile\nFROM debian');
    expect(base).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint('toolkit-image/Dockerfile\nFROM debian')).toBe(base);
    expect(fingerprint('toolkit-image/Dockerfile\nFROM debiam')).not.toBe(base);
    expect(fingerprint('')).not.toBe(fingerprint('\0'));
  });

  it('reads a string as its UTF-8 bytes, aligned or not', () => {
    const text = 'abc\u00e9defgh';
    const unaligned = Buffer.concat([Buffer.from('x'), Buffer.from(text)]).subarray(1);
    expect(new Fingerprint().update(text).hex()).toBe(new Fingerprint().update(unaligned).hex());
  });

  it('spreads similar inputs (no collisions over many target/profile names)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(fingerprint(`${i.toString(16).padStart(64, '0')}/general`).slice(0, 8));
    expect(seen.size).toBeGreaterThan(19_990);
  });
});

describe('randomSuffix', () => {
  it('has the asked length in hex and differs between calls', () => {
    expect(randomSuffix(8)).toMatch(/^[0-9a-f]{8}$/);
    expect(randomSuffix(12)).toMatch(/^[0-9a-f]{12}$/);
    expect(new Set(Array.from({ length: 100 }, () => randomSuffix(8))).size).toBe(100);
  });
});
