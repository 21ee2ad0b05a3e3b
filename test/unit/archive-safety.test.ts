import { describe, expect, it } from 'vitest';
import { EntryGuard, normalizeTarName, unsafeNameReason, type GuardedEntry } from '../../src/core/archive-safety.js';

function admitAll(entries: GuardedEntry[]): void {
  const guard = new EntryGuard('app:/data');
  for (const entry of entries) guard.admit(entry);
}

describe('unsafeNameReason', () => {
  it('accepts plain relative names, odd bytes included', () => {
    expect(unsafeNameReason('.')).toBeNull();
    expect(unsafeNameReason('a/b c/ü\nnew line')).toBeNull();
    expect(unsafeNameReason('..hidden/x..y')).toBeNull();
  });

  it('refuses absolute names, .., empty and . components, NUL', () => {
    expect(unsafeNameReason('/etc/passwd')).toBe('an absolute name');
    expect(unsafeNameReason('../x')).toBe('a ".." component');
    expect(unsafeNameReason('a/../../x')).toBe('a ".." component');
    expect(unsafeNameReason('a//b')).toBe('an empty or "." component');
    expect(unsafeNameReason('a/./b')).toBe('an empty or "." component');
    expect(unsafeNameReason('a\0b')).toBe('a NUL byte in the name');
    expect(unsafeNameReason('')).toBe('an empty name');
  });
});

describe('normalizeTarName', () => {
  it('reads names the way tar does, without forgiving ..', () => {
    expect(normalizeTarName('./')).toBe('.');
    expect(normalizeTarName('./a/b/')).toBe('a/b');
    expect(normalizeTarName('/etc/x')).toBe('etc/x');
    expect(normalizeTarName('dir/')).toBe('dir');
    expect(normalizeTarName('../x')).toBe('../x');
  });
});

describe('EntryGuard: the kubectl cp checklist', () => {
  it('admits an ordinary tree with symlinks pointing anywhere (they are not followed)', () => {
    expect(() =>
      admitAll([
        { name: '.', kind: 'directory' },
        { name: 'a', kind: 'directory' },
        { name: 'a/f', kind: 'file' },
        { name: 'a/abs', kind: 'symlink' },
        { name: 'a/h', kind: 'hardlink', linkName: 'a/f' },
        { name: 'b/c/deep', kind: 'file' },
      ]),
    ).not.toThrow();
  });

  it('refuses an entry through a symlink of the same stream (CVE-2019-11246, CVE-2019-1002101)', () => {
    expect(() =>
      admitAll([
        { name: '.', kind: 'directory' },
        { name: 'link', kind: 'symlink' },
        { name: 'link/passwd', kind: 'file' },
      ]),
    ).toThrow('refused the entry "link/passwd" in the copy from app:/data: it is below "link", which is a symlink');
  });

  it('refuses absolute and .. names (CVE-2018-1002100)', () => {
    expect(() => admitAll([{ name: '../../etc/cron.d/x', kind: 'file' }])).toThrow('a ".." component');
    expect(() => admitAll([{ name: '/etc/passwd', kind: 'file' }])).toThrow('an absolute name');
  });

  it('refuses hard links to anything but a file of this copy', () => {
    expect(() => admitAll([{ name: 'h', kind: 'hardlink', linkName: '../../etc/shadow' }])).toThrow('a hard link to "../../etc/shadow"');
    expect(() => admitAll([{ name: 'h', kind: 'hardlink', linkName: 'not-sent' }])).toThrow('which is not a file of this copy');
    expect(() =>
      admitAll([
        { name: 'd', kind: 'directory' },
        { name: 'h', kind: 'hardlink', linkName: 'd' },
      ]),
    ).toThrow('which is not a file of this copy');
  });

  it('refuses a name reused as another kind (a symlink swapped in for a directory)', () => {
    expect(() =>
      admitAll([
        { name: 'd', kind: 'directory' },
        { name: 'd', kind: 'symlink' },
      ]),
    ).toThrow('it appears twice, as a directory and as a symlink');
    expect(() =>
      admitAll([
        { name: 'f', kind: 'file' },
        { name: 'f', kind: 'file' },
      ]),
    ).not.toThrow();
  });

  it('refuses children of a copied file', () => {
    expect(() =>
      admitAll([
        { name: '.', kind: 'file' },
        { name: 'x', kind: 'file' },
      ]),
    ).toThrow('it is below the copied item, which is a file');
  });
});
