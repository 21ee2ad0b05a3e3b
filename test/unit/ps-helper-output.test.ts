// The remora-ps helper's JSON (toolkit-image/helpers/remora-ps.c) into a listing.
import { describe, expect, it } from 'vitest';
import { parsePsHelperOutput } from '../../src/core/ps-dump.js';

const CLK = 100;
const BOOT = 1_700_000_000;
// Sample B at 1,000 s of uptime, 100 ms after sample A.
const UPTIME_NS = 1_000e9;

function output(over: Record<string, unknown> = {}) {
  return JSON.stringify({
    clockTicks: CLK,
    pageSize: 4096,
    bootTime: BOOT,
    passwd: 'root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n',
    processes: [
      {
        pid: 1,
        uid: 65532,
        toolkit: false,
        comm: 'app',
        argv: ['/app', '--port', '8080'],
        startTicksA: 500,
        cpuTicksA: 40,
        cpuNsA: 400_000_000,
      },
      { pid: 7, uid: 0, toolkit: false, comm: 'worker', argv: ['worker'], startTicksA: 600, cpuTicksA: 0, cpuNsA: 1_000 },
      { pid: 9, uid: 4242, toolkit: false, comm: 'old', argv: ['old'], startTicksA: 700, cpuTicksA: 1, cpuNsA: 5 },
      { pid: 12, uid: 0, toolkit: true, comm: 'bash', argv: ['bash', '-c', 'keeper'], startTicksA: 800, cpuTicksA: 1, cpuNsA: 9 },
    ],
    uptimeNs: UPTIME_NS,
    intervalNs: 100_000_000,
    samples: [
      // One core for the whole 100 ms.
      { pid: 1, ppid: 0, state: 'R', threads: 2, rssPages: 256, startTicks: 500, cpuTicks: 50, cpuNs: 500_000_000 },
      // A quarter of a core.
      { pid: 7, ppid: 1, state: 'S', threads: 1, rssPages: 10, startTicks: 600, cpuTicks: 2, cpuNs: 25_001_000 },
      // Pid 9 exited and was reused during the interval: another process, not shown.
      { pid: 9, ppid: 1, state: 'S', threads: 1, rssPages: 10, startTicks: 99_000, cpuTicks: 0, cpuNs: 0 },
      { pid: 12, ppid: 0, state: 'S', threads: 1, rssPages: 700, startTicks: 800, cpuTicks: 1, cpuNs: 10 },
    ],
    ...over,
  });
}

describe('parsePsHelperOutput', () => {
  it('measures %CPU in nanoseconds over the interval and names users from the target passwd', () => {
    const listing = parsePsHelperOutput(output(), {});
    expect(listing.intervalSeconds).toBeCloseTo(0.1);
    expect(listing.processes.map((p) => [p.pid, p.user, p.state, Number(p.cpu.toFixed(1))])).toEqual([
      [1, 'nonroot', 'R', 100],
      [7, 'root', 'S', 25],
    ]);
    expect(listing.processes[0]).toMatchObject({
      ppid: 0,
      uid: 65532,
      threads: 2,
      rssKiB: 1024,
      command: ['/app', '--port', '8080'],
      comm: 'app',
      toolkit: false,
    });
    // Started 5 s after boot (500 ticks), listed at 1,000 s of uptime.
    expect(listing.processes[0]?.startedAt).toBe(new Date((BOOT + 5) * 1000).toISOString());
    expect(listing.processes[0]?.elapsedSeconds).toBeCloseTo(995);
  });

  it("shows the toolkit's own processes only when asked, marked", () => {
    expect(
      parsePsHelperOutput(output(), { includeToolkit: true })
        .processes.filter((p) => p.toolkit)
        .map((p) => p.pid),
    ).toEqual([12]);
  });

  it('falls back to clock ticks where schedstat is missing, and shows the number for a user not in passwd', () => {
    const listing = parsePsHelperOutput(
      output({
        passwd: null,
        processes: [{ pid: 1, uid: 1000, toolkit: false, comm: 'app', argv: ['/app'], startTicksA: 500, cpuTicksA: 40, cpuNsA: null }],
        samples: [{ pid: 1, ppid: 0, state: 'R', threads: 1, rssPages: 1, startTicks: 500, cpuTicks: 45, cpuNs: null }],
      }),
      {},
    );
    expect(listing.processes[0]?.user).toBeUndefined();
    expect(listing.processes[0]?.uid).toBe(1000);
    // 5 ticks of 10 ms over 100 ms.
    expect(listing.processes[0]?.cpu).toBeCloseTo(50);
  });

  it('measures %CPU over each process lifetime from one sample, as ps and docker top do', () => {
    const listing = parsePsHelperOutput(output({ intervalNs: 0 }), { lifetime: true });
    expect(listing.intervalSeconds).toBe(0);
    // pid 1: 50 ticks (0.5 s of CPU) since it started 5 s after boot, listed at 1,000 s.
    expect(listing.processes.find((p) => p.pid === 1)?.cpu).toBeCloseTo((0.5 / 995) * 100, 6);
    expect(listing.processes.find((p) => p.pid === 7)?.cpu).toBeCloseTo((0.02 / 994) * 100, 6);
  });

  it('measures since a previous listing when given one (a refreshing view)', () => {
    const first = parsePsHelperOutput(output(), {});
    const later = parsePsHelperOutput(
      output({
        uptimeNs: UPTIME_NS + 2e9,
        samples: [{ pid: 1, ppid: 0, state: 'R', threads: 2, rssPages: 256, startTicks: 500, cpuTicks: 150, cpuNs: 1_500_000_000 }],
      }),
      { previous: first },
    );
    // 100 ticks (1 s of CPU) over the 2 s since the first listing.
    expect(later.intervalSeconds).toBeCloseTo(2);
    expect(later.processes[0]?.cpu).toBeCloseTo(50);
  });

  it('keeps any argv byte-exact, quotes and newlines included', () => {
    const argv = ['sh', '-c', 'echo "a\\b"\nexit 1', 'naïve'];
    const listing = parsePsHelperOutput(
      output({
        processes: [{ pid: 1, uid: 0, toolkit: false, comm: 'sh', argv, startTicksA: 500, cpuTicksA: 0, cpuNsA: 0 }],
        samples: [{ pid: 1, ppid: 0, state: 'S', threads: 1, rssPages: 1, startTicks: 500, cpuTicks: 0, cpuNs: 0 }],
      }),
      {},
    );
    expect(listing.processes[0]?.command).toEqual(argv);
  });
});
