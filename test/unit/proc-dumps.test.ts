// The toolkit scripts' output, parsed: real dumps captured by
// test/fixtures/proc-dumps/capture.sh, plus made-up ones for what a capture cannot stage.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { groupByPid, splitDump } from '../../src/core/proc-dump.js';
import { parseNetDump } from '../../src/core/net-dump.js';
import { describeFd, parseProcDump } from '../../src/core/proc-details-dump.js';
import { cpuPercent, parsePsDump, type ProcessListing } from '../../src/core/ps-dump.js';

function dump(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/proc-dumps/${name}`, import.meta.url));
}

describe('splitDump', () => {
  it('frames records by NUL whatever the content holds, and joins argv back', () => {
    const text =
      '/proc/5/cmdline:sh\0/proc/5/cmdline:-c\0/proc/5/cmdline:a:b\nc\0/proc/5/stat:5 (x) S 1\n\0@toolkit:9\0garbage-without-colon\0';
    const records = splitDump(Buffer.from(text));
    expect(records.map((r) => r.path)).toEqual(['/proc/5/cmdline', '/proc/5/cmdline', '/proc/5/cmdline', '/proc/5/stat', '@toolkit']);
    expect(groupByPid(records).get(5)?.get('cmdline')).toBe('sh\0-c\0a:b\nc');
  });
});

describe('parsePsDump (1 root, 2 nonroot, a uid without passwd entry, a zombie, a CPU burner)', () => {
  const listing = parsePsDump(dump('ps.dump'), { targetRoot: '/proc/1/root' });
  const byPid = new Map(listing.processes.map((p) => [p.pid, p]));

  it('lists the target processes and leaves the toolkit out', () => {
    expect(listing.processes.map((p) => p.pid)).toEqual([1, 8, 14, 15, 21, 27, 33, 39]);
    const all = parsePsDump(dump('ps.dump'), { targetRoot: '/proc/1/root', includeToolkit: true });
    expect(all.processes.filter((p) => p.toolkit).map((p) => p.pid)).toEqual([40, 67, 68]);
  });

  it('names users from the target passwd, else keeps the number', () => {
    expect(byPid.get(8)).toMatchObject({ uid: 65532, user: 'nonroot' });
    expect(byPid.get(1)).toMatchObject({ uid: 0, user: 'root' });
    expect(byPid.get(21)?.uid).toBe(4242);
    expect(byPid.get(21)?.user).toBeUndefined();
  });

  it('keeps argv exact (a newline inside an argument) and shows a zombie', () => {
    expect(byPid.get(8)?.command).toEqual(['/bin/busybox', 'sh', '-c', 'sleep 100000; :', 'weird\narg with spaces']);
    expect(byPid.get(39)).toMatchObject({ state: 'Z', command: [], ppid: 33 });
  });

  it('measures CPU over the sample, not the process life', () => {
    expect(listing.intervalSeconds).toBeCloseTo(0.3, 2);
    expect(byPid.get(15)?.cpu).toBeGreaterThan(10);
    expect(byPid.get(1)?.cpu).toBe(0);
  });

  it('dates starts from the boot time and clock ticks', () => {
    expect(listing.clockTicks).toBe(100);
    expect(listing.bootTime).toBe(1795422710);
    const first = byPid.get(1)!;
    expect(first.startedAt).toBe(new Date((1795422710 + first.startTicks / 100) * 1000).toISOString());
    expect(first.elapsedSeconds).toBeCloseTo(listing.uptimeSeconds - first.startTicks / 100, 5);
  });

  it('skips processes that vanish or appear during the listing', () => {
    const stat = (pid: number, ticks: number, start = 100): string =>
      `/proc/${pid}/stat:${pid} (p${pid}) S 1 1 1 0 -1 0 0 0 0 0 ${ticks} 0 0 0 20 0 1 0 ${start} 0 0\n\0`;
    const status = (pid: number): string =>
      `/proc/${pid}/status:Name:\tp${pid}\n/proc/${pid}/status:Pid:\t${pid}\n/proc/${pid}/status:Uid:\t0\t0\t0\t0\n`;
    const text = [
      '/proc/uptime:1000.00 1.00\0',
      stat(1, 0),
      stat(2, 0),
      stat(3, 10),
      '@phase:main\0@clk:100\0/proc/stat:cpu 1\nbtime 1700000000\n\0',
      `@status:${status(1)}${status(3)}${status(4)}\0`,
      '/proc/1/cmdline:/init\0/proc/3/cmdline:worker\0',
      '@phase:end\0',
      '/proc/uptime:1000.50 1.00\0',
      stat(1, 0),
      stat(3, 60),
      stat(4, 5, 100_040),
      stat(5, 0),
    ].join('');
    const result = parsePsDump(text, { targetRoot: '/proc/1/root' });
    // 2 vanished before sample B; 5 was born after the status pass; 4 only lived 0.1 s of it.
    expect(result.processes.map((p) => [p.pid, Math.round(p.cpu)])).toEqual([
      [1, 0],
      [3, 100],
      [4, 50],
    ]);
  });

  it('measures CPU over each process life when asked (one sample, as ps does)', () => {
    const overLife = parsePsDump(dump('ps.dump'), { targetRoot: '/proc/1/root', lifetime: true });
    expect(overLife.intervalSeconds).toBe(0);
    for (const p of overLife.processes) expect(p.cpu).toBeCloseTo((p.cpuTicks / 100 / p.elapsedSeconds) * 100, 6);
    expect(overLife.processes.find((p) => p.pid === 15)?.cpu).toBeGreaterThan(0);
  });

  it('measures since a previous listing when given one (the TUI refresh)', () => {
    const previous: ProcessListing = {
      ...listing,
      uptimeSeconds: listing.uptimeSeconds - 2,
      processes: listing.processes.map((p) => ({ ...p, cpuTicks: p.pid === 15 ? p.cpuTicks - 100 : p.cpuTicks })),
    };
    const again = parsePsDump(dump('ps.dump'), { targetRoot: '/proc/1/root', previous });
    expect(again.intervalSeconds).toBeCloseTo(2, 5);
    expect(again.processes.find((p) => p.pid === 15)?.cpu).toBeCloseTo(50, 5);
  });
});

describe('cpuPercent', () => {
  const at = (cpuTicks: number, startTicks: number) => ({ cpuTicks, startTicks });
  it('is 100 for a core busy the whole interval, and ignores a reused pid', () => {
    expect(cpuPercent(at(125, 5), at(100, 5), 100, 0.25, 99)).toBeCloseTo(100);
    expect(cpuPercent(at(25, 9), at(1000, 5), 100, 0.25, 0.25)).toBeCloseTo(100);
    expect(cpuPercent(at(0, 5), at(0, 5), 100, 0, 99)).toBe(0);
  });
});

describe('parseProcDump', () => {
  it('reads one process in depth, masking secrets', () => {
    const d = parseProcDump(dump('proc-8.dump'), { pid: 8, targetRoot: '/proc/1/root' })!;
    expect(d).toMatchObject({
      pid: 8,
      ppid: 0,
      name: 'busybox',
      state: 'S',
      user: 'nonroot',
      group: 'nonroot',
      executable: '/bin/busybox',
      cwd: '/',
      root: '/',
      seccomp: 2,
      tracerPid: 0,
    });
    expect(d.command.at(-1)).toBe('weird\narg with spaces');
    expect(d.environment).toContainEqual(['DB_PASSWORD', '********']);
    expect(d.environment).toContainEqual(['DATABASE_URL', 'postgres://app:********@db/x']);
    expect(d.environment).toContainEqual(['PLAIN', 'visible']);
    expect(d.maskedSecrets).toBe(2);
    expect(d.capabilities.effective).toEqual([]);
    expect(d.capabilities.bounding).toContain('CAP_NET_BIND_SERVICE');
    expect(d.namespaces.map((n) => n.type)).toContain('pid_for_children');
    expect(d.limits.find((l) => l.name === 'Max open files')).toMatchObject({ soft: 20000, units: 'files' });
    expect(d.fds?.map((f) => [f.fd, f.kind])).toEqual([
      [0, 'device'],
      [1, 'pipe'],
      [2, 'pipe'],
    ]);
    const shown = parseProcDump(dump('proc-8.dump'), { pid: 8, targetRoot: '/proc/1/root', showSecrets: true })!;
    expect(shown.environment).toContainEqual(['DB_PASSWORD', 'hunter2']);
    expect(shown.maskedSecrets).toBe(0);
  });

  it('says what a listening socket is', () => {
    const d = parseProcDump(dump('proc-27.dump'), { pid: 27, targetRoot: '/proc/1/root' })!;
    expect(d.fds?.find((f) => f.fd === 3)).toMatchObject({ kind: 'socket', description: 'tcp6 [::]:9000 LISTEN' });
  });

  it('is undefined for a process that was gone, and notes what was denied', () => {
    expect(parseProcDump(dump('proc-8.dump'), { pid: 9, targetRoot: '/proc/1/root' })).toBeUndefined();
    const denied = Buffer.concat([dump('proc-8.dump'), Buffer.from('@denied:environment\0@denied:open files\0')]);
    const d = parseProcDump(denied, { pid: 8, targetRoot: '/proc/1/root' })!;
    expect(d.environment).toBeUndefined();
    expect(d.fds).toBeUndefined();
    expect(d.unreadable[0]).toMatch(/^environment: permission denied/);
  });

  it('describes fds of every kind', () => {
    const none = new Map();
    expect(describeFd(4, 'pipe:[77]', none)).toMatchObject({ kind: 'pipe', description: 'pipe [77]' });
    expect(describeFd(5, 'anon_inode:[eventpoll]', none)).toMatchObject({ kind: 'anon', description: '[eventpoll]' });
    expect(describeFd(6, '/data/app.log (deleted)', none)).toMatchObject({ kind: 'file' });
    expect(describeFd(7, 'socket:[5]', none).description).toMatch(/not in this network namespace/);
    const sockets = new Map([
      [5, { protocol: 'tcp' as const, state: 'ESTABLISHED', local: '10.0.0.2:8080', peer: '10.0.0.9:41000', inode: 5 }],
    ]);
    expect(describeFd(7, 'socket:[5]', sockets).description).toBe('tcp 10.0.0.2:8080 -> 10.0.0.9:41000 ESTABLISHED');
  });
});

describe('parseNetDump', () => {
  it('ties the listening socket to its process', () => {
    expect(parseNetDump(dump('net.dump'))).toEqual([
      {
        protocol: 'tcp6',
        state: 'LISTEN',
        local: '[::]:9000',
        peer: '[::]:0',
        localPort: 9000,
        peerPort: 0,
        inode: 279015,
        uid: 0,
        pid: 27,
        process: 'busybox',
      },
    ]);
  });

  it('lists listening first, prefers the target over the toolkit as owner, and keeps unowned ones', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 501 1 0 20 4 30 10 -1',
      '   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 65532        0 500 1 0 100 0 0 10 0',
      '   2: 0100007F:1F90 0100007F:9C41 06 00000000:00000000 03:00000F9F 00000000     0        0 0 3 0',
    ].join('\n');
    const udp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
      '  9: 00000000:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 502 2 0 0',
    ].join('\n');
    const text = [
      `/proc/net/tcp:${tcp}\n\0`,
      `/proc/net/udp:${udp}\n\0`,
      '/proc/net/unix:Num       RefCount Protocol Flags    Type St Inode Path\n0000000000000000: 00000002 00000000 00010000 0001 01 503 /run/app.sock\n\0',
      '/proc/1/stat:1 (app) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n\0',
      '/proc/7/stat:7 (worker) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n\0',
      '/proc/30/stat:30 (curl) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n\0',
      '@toolkit:30\0',
      '@fds:/proc/1/fd/0 character special file 5\n/proc/30/fd/3 socket 501\n/proc/7/fd/3 socket 500\n/proc/1/fd/3 socket 500\n/proc/1/fd/4 socket 503\n\0',
    ].join('');
    const rows = parseNetDump(text).map((s) => [s.protocol, s.state, s.local, s.pid ?? '-', s.process ?? '-']);
    expect(rows).toEqual([
      ['tcp', 'LISTEN', '0.0.0.0:8080', 1, 'app'],
      ['unix', 'LISTEN', '/run/app.sock', 1, 'app'],
      ['udp', 'UNCONN', '0.0.0.0:5353', '-', '-'],
      ['tcp', 'TIME_WAIT', '127.0.0.1:8080', '-', '-'],
      ['tcp', 'ESTABLISHED', '127.0.0.1:40000', 30, 'curl [toolkit]'],
    ]);
  });
});
