// The line a stand-in's commit is shown with, and the one line said off a terminal.
import { describe, expect, it } from 'vitest';
import { formatCommitProgress } from '../../src/core/commit-progress.js';
import { sayOnce } from '../../src/session/stand-in.js';

describe('commit progress', () => {
  it('names the container, the size once known, and the time so far', () => {
    expect(formatCommitProgress({ name: 'app', sizeRw: 1.5 * 1024 ** 3, elapsedMs: 12_400, done: false })).toBe(
      'committing the writable layer of app (1.5 GiB)… 12s',
    );
    expect(formatCommitProgress({ name: 'app', elapsedMs: 61_000, done: false })).toBe('committing the writable layer of app… 1m 1s');
    expect(formatCommitProgress({ name: 'app', copy: true, elapsedMs: 3_000, done: false })).toBe('copying the files of app… 3s');
    expect(formatCommitProgress({ name: 'app', sizeRw: 512 * 1024 ** 2, elapsedMs: 0, done: false }, false)).toBe(
      'committing the writable layer of app (512 MiB)…',
    );
  });

  it('off a terminal says one line: once the size is known, after a second, or at the end', () => {
    const lines: string[] = [];
    const report = sayOnce((line) => lines.push(line));
    report({ name: 'app', elapsedMs: 0, done: false });
    expect(lines).toEqual([]);
    report({ name: 'app', sizeRw: 2048, elapsedMs: 300, done: false });
    report({ name: 'app', sizeRw: 2048, elapsedMs: 1300, done: false });
    report({ name: 'app', sizeRw: 2048, elapsedMs: 1500, done: true });
    expect(lines).toEqual(['committing the writable layer of app (2.0 KiB)…']);
    const slow: string[] = [];
    const unsized = sayOnce((line) => slow.push(line));
    unsized({ name: 'app', elapsedMs: 1000, done: false });
    unsized({ name: 'app', elapsedMs: 2000, done: false });
    expect(slow).toEqual(['committing the writable layer of app…']);
  });
});
