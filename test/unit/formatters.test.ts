// The one home of each formatter and validator: sizes, durations, signal exits, pids.
import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/core/bytes.js';
import { formatClock, formatDuration, formatElapsed } from '../../src/core/duration.js';
import { exitStatusOfSignal, signalOfExitStatus } from '../../src/core/exit-status.js';
import { parsePid, parsePidList } from '../../src/core/pid.js';

describe('formatBytes', () => {
  it('formats table cells compactly, as ls -h and top do', () => {
    expect(formatBytes(0, 'column')).toBe('0B');
    expect(formatBytes(1023, 'column')).toBe('1023B');
    expect(formatBytes(1536, 'column')).toBe('1.5K');
    expect(formatBytes(904008, 'column')).toBe('883K');
    expect(formatBytes(20 * 1024 ** 2, 'column')).toBe('20.0M');
    expect(formatBytes(5 * 1024 ** 3, 'column')).toBe('5.0G');
  });

  it('formats sizes in prose with binary units', () => {
    expect(formatBytes(57)).toBe('57 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(512 * 1024 ** 2)).toBe('512 MiB');
    expect(formatBytes(1024 ** 3)).toBe('1.0 GiB');
  });

  it('says ? for what is not a size', () => {
    expect([formatBytes(-1), formatBytes(Number.NaN, 'column')]).toEqual(['?', '?']);
  });
});

describe('durations', () => {
  it('formats elapsed times, a clock and prose durations', () => {
    expect([formatElapsed(45), formatElapsed(723), formatElapsed(439_200)]).toEqual(['45s', '12m03s', '5d02h']);
    expect([formatClock(21), formatClock(3723)]).toEqual(['0:21', '1:02:03']);
    expect([formatDuration(7), formatDuration(366), formatDuration(11_040), formatDuration(93_600)]).toEqual([
      '7s',
      '6m 6s',
      '3h 4m',
      '1d 2h',
    ]);
  });
});

describe('exit statuses of signals', () => {
  it('reports a signal as 128 + its number, and reads it back only in the signal range', () => {
    expect([exitStatusOfSignal('SIGINT'), exitStatusOfSignal('SIGKILL'), exitStatusOfSignal('SIGPIPE')]).toEqual([130, 137, 141]);
    expect([signalOfExitStatus(137), signalOfExitStatus(143)]).toEqual([9, 15]);
    expect([signalOfExitStatus(1), signalOfExitStatus(127), signalOfExitStatus(128), signalOfExitStatus(255)]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('pids given by the user', () => {
  it('takes positive decimal numbers, alone or as strace lists them', () => {
    expect([parsePid('7'), parsePid(' 42 '), parsePid(9)]).toEqual([7, 42, 9]);
    expect(parsePidList(['7,9', '11'])).toEqual([7, 9, 11]);
    expect(parsePidList([])).toBeUndefined();
  });

  it('refuses anything else with one line and a hint', () => {
    for (const bad of ['abc', '0', '-1', '0x1f', '1e3', '']) expect(() => parsePid(bad)).toThrow(`"${bad}" is not a process ID`);
    expect(() => parsePid(1.5)).toThrow('"1.5" is not a process ID');
    expect(() => parsePidList(['7', 'one'])).toThrow('"one" is not a process ID');
  });
});
