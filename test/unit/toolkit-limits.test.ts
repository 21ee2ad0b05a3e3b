import { describe, expect, it } from 'vitest';
import { formatToolkitLimits, parseMemorySize, parsePidsLimit, parseToolkitLimits } from '../../src/core/toolkit-limits.js';

describe('toolkit limits', () => {
  it('reads memory sizes as docker --memory does', () => {
    expect(parseMemorySize('512m')).toBe(512 * 1024 ** 2);
    expect(parseMemorySize('1g')).toBe(1024 ** 3);
    expect(parseMemorySize('1.5GiB')).toBe(1.5 * 1024 ** 3);
    expect(parseMemorySize('2048M')).toBe(2048 * 1024 ** 2);
    expect(parseMemorySize('134217728')).toBe(128 * 1024 ** 2);
    expect(parseMemorySize('65536k')).toBe(64 * 1024 ** 2);
  });

  it('refuses what is not a size, and sizes no toolkit can live in', () => {
    expect(() => parseMemorySize('lots')).toThrow('"lots" is not a memory size');
    expect(() => parseMemorySize('-1g')).toThrow('is not a memory size');
    expect(() => parseMemorySize('10m')).toThrow('--toolkit-memory 10m is too small for a toolkit');
    expect(() => parsePidsLimit('many')).toThrow('"many" is not a pids limit');
    expect(() => parsePidsLimit('3')).toThrow('"3" is not a pids limit');
  });

  it('defaults to 512 MiB and 1024 pids, and formats them for sessions', () => {
    const limits = parseToolkitLimits(undefined, undefined);
    expect(limits).toEqual({ memoryBytes: 512 * 1024 ** 2, pids: 1024 });
    expect(formatToolkitLimits(limits)).toBe('512MiB/1024 pids');
    expect(formatToolkitLimits(parseToolkitLimits('1.5g', '4096'))).toBe('1536MiB/4096 pids');
  });
});
