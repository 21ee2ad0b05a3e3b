// The unified diff of `remora diff app PATH`, checked against GNU diff's own output.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { looksBinary, unifiedDiff } from '../../src/core/unified-diff.js';

/** `diff -u` on the same texts, without its timestamped header lines. */
function gnuDiff(a: string, b: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'remora-diff-'));
  try {
    writeFileSync(join(dir, 'a'), a);
    writeFileSync(join(dir, 'b'), b);
    try {
      execFileSync('diff', ['-u', '--label', 'image', '--label', 'container', join(dir, 'a'), join(dir, 'b')]);
      return '';
    } catch (error) {
      return String((error as { stdout: Buffer }).stdout);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cases: Array<[string, string, string]> = [
  ['same', 'a\nb\n', 'a\nb\n'],
  ['one changed line', 'port: 80\nhost: x\n', 'port: 8080\nhost: x\n'],
  ['added to empty', '', 'new\nfile\n'],
  ['all removed', 'old\n', ''],
  [
    'two hunks far apart',
    Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n') + '\n',
    Array.from({ length: 30 }, (_, i) => (i === 2 || i === 25 ? `LINE ${i}` : `line ${i}`)).join('\n') + '\n',
  ],
  [
    'hunks that merge',
    Array.from({ length: 12 }, (_, i) => `l${i}`).join('\n') + '\n',
    Array.from({ length: 12 }, (_, i) => (i === 3 || i === 8 ? `X${i}` : `l${i}`)).join('\n') + '\n',
  ],
  ['no newline at the end, old', 'a\nb', 'a\nb\n'],
  ['no newline at the end, both', 'a\nb', 'a\nc'],
  ['insertions and deletions mixed', 'a\nb\nc\nd\ne\nf\n', 'a\nc\nd\nx\ne\ny\n'],
];

describe('unifiedDiff', () => {
  for (const [name, a, b] of cases) {
    it(`matches diff -u: ${name}`, () => {
      expect(unifiedDiff(a, b, { old: 'image', new: 'container' })).toBe(gnuDiff(a, b));
    });
  }

  it('tells binary from text by a NUL, as diff does', () => {
    expect([looksBinary(Buffer.from('text\n')), looksBinary(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]))]).toEqual([false, true]);
  });
});
