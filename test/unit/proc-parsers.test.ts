import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  attachSocketOwners,
  buildProcessInfo,
  CAPABILITY_NAMES,
  parseCapabilities,
  parseCmdline,
  parseEnviron,
  parseGroup,
  parseLimits,
  parseMeminfo,
  parsePasswd,
  parseProcNetSockets,
  parseProcStat,
  parseProcStatus,
  parseSocketInode,
  parseUptime,
} from '../../src/core/proc-parsers.js';

// Real files copied from this machine's /proc and /etc by test/fixtures/proc/capture.sh.
function raw(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/proc/${name}`, import.meta.url));
}
function text(name: string): string {
  return raw(name).toString('utf8');
}

describe('parseProcStat', () => {
  it('reads a comm holding ") (" and spaces from the last paren', () => {
    expect(parseProcStat(text('perl-renamed/stat'))).toEqual({
      pid: 26032,
      comm: 'evil) (x y: idl',
      state: 'S',
      ppid: 26028,
      pgrp: 26023,
      session: 8774,
      utime: 0,
      stime: 0,
      nice: 0,
      numThreads: 1,
      starttime: 160513,
      vsize: 8069120,
      rss: 1244,
    });
  });

  it('reads a multi-threaded process, a zombie and a kernel thread', () => {
    expect(parseProcStat(text('node-server/stat'))).toMatchObject({
      pid: 26074,
      comm: 'node',
      numThreads: 11,
      utime: 13,
      stime: 1,
      rss: 11212,
    });
    expect(parseProcStat(text('zombie/stat'))).toMatchObject({ pid: 26063, comm: 'sleep', state: 'Z', ppid: 26061, vsize: 0, rss: 0 });
    expect(parseProcStat(text('kthreadd/stat'))).toMatchObject({ pid: 2, comm: 'kthreadd', ppid: 0, starttime: 17 });
  });

  it('gives undefined for a process that vanished (empty read)', () => {
    expect(parseProcStat('')).toBeUndefined();
  });
});

describe('parseProcStatus', () => {
  it('reads ids, threads, memory and capabilities', () => {
    const status = parseProcStatus(text('node-server/status'))!;
    expect(status).toMatchObject({
      name: 'node',
      state: 'S',
      stateName: 'sleeping',
      tgid: 26074,
      pid: 26074,
      ppid: 26028,
      tracerPid: 0,
      uid: { real: 0, effective: 0, saved: 0, fs: 0 },
      groups: [],
      nsPid: [26074],
      threads: 11,
      vmRssKiB: 44940,
      capInh: 0n,
      capEff: 0x1fffeffffffn,
      capBnd: 0x1fffeffffffn,
      capAmb: 0n,
      noNewPrivs: false,
      seccomp: 0,
    });
  });

  it('shows the tracer of a traced process', () => {
    expect(parseProcStatus(text('traced-sleep/status'))).toMatchObject({ pid: 26049, tracerPid: 26050 });
  });

  it('reads an unprivileged process: uid 65534 and no effective capabilities', () => {
    const status = parseProcStatus(text('nobody-sleep/status'))!;
    expect(status).toMatchObject({
      uid: { real: 65534, effective: 65534, saved: 65534, fs: 65534 },
      gid: { real: 65534 },
      capEff: 0n,
      capPrm: 0n,
    });
    expect(parseCapabilities(status.capEff)).toEqual([]);
  });

  it('keeps the name a process gave itself, and leaves VmRSS out for a zombie and a kernel thread', () => {
    expect(parseProcStatus(text('perl-renamed/status'))).toMatchObject({ name: 'evil) (x y: idl', vmRssKiB: 5032 });
    const zombie = parseProcStatus(text('zombie/status'))!;
    expect(zombie).toMatchObject({ state: 'Z', stateName: 'zombie' });
    expect(zombie.vmRssKiB).toBeUndefined();
    expect(parseProcStatus(text('kthreadd/status'))!.vmRssKiB).toBeUndefined();
  });
});

describe('parseCapabilities', () => {
  it('names the 40 capabilities this sandbox grants root (all but CAP_SYS_RESOURCE)', () => {
    const names = parseCapabilities('000001fffeffffff');
    expect(names).toHaveLength(40);
    expect(names).toContain('CAP_SYS_PTRACE');
    expect(names).toContain('CAP_CHECKPOINT_RESTORE');
    expect(names).not.toContain('CAP_SYS_RESOURCE');
    expect(names[0]).toBe('CAP_CHOWN');
  });

  it('has a name for each of the 41 bits and keeps unknown bits', () => {
    expect(CAPABILITY_NAMES).toHaveLength(41);
    expect(CAPABILITY_NAMES[19]).toBe('CAP_SYS_PTRACE');
    expect(parseCapabilities('0000000000080000')).toEqual(['CAP_SYS_PTRACE']);
    expect(parseCapabilities((1n << 41n) | 1n)).toEqual(['CAP_CHOWN', 'CAP_UNKNOWN_41']);
    expect(parseCapabilities('not hex')).toEqual([]);
  });
});

describe('parsePasswd and parseGroup', () => {
  it('map ids to names', () => {
    const users = parsePasswd(text('etc/passwd'));
    expect(users.get(0)).toBe('root');
    expect(users.get(65534)).toBe('nobody');
    expect(users.size).toBe(24);
    const groups = parseGroup(text('etc/group'));
    expect(groups.get(0)).toBe('root');
    expect(groups.get(65534)).toBe('nogroup');
    expect(groups.get(105)).toBe('docker');
  });
});

describe('parseCmdline and parseEnviron', () => {
  it('splits argv at NULs, with or without the trailing NUL', () => {
    const buffer = raw('node-server/cmdline');
    expect(buffer.at(-1)).toBe(0);
    const argv = parseCmdline(buffer);
    expect(argv).toHaveLength(3);
    expect(argv[0]).toBe('node');
    expect(argv[1]).toMatch(/\/server\.mjs$/);
    expect(parseCmdline(buffer.subarray(0, -1))).toEqual(argv);
    expect(parseCmdline(buffer.toString('utf8'))).toEqual(argv);
  });

  it('keeps a title a process wrote over its argv as one argument', () => {
    expect(parseCmdline(raw('perl-renamed/cmdline'))).toEqual(['evil) (x y: idle']);
  });

  it('gives no argv for a kernel thread or a zombie', () => {
    expect(parseCmdline(raw('kthreadd/cmdline'))).toEqual([]);
    expect(parseCmdline(raw('zombie/cmdline'))).toEqual([]);
  });

  it('splits the environment at the first "="', () => {
    expect(parseEnviron(raw('env-sleep/environ'))).toEqual([
      ['PATH', '/usr/bin:/bin'],
      ['HOME', '/root'],
      ['LANG', 'C.UTF-8'],
      ['API_KEY', 'sk-fixture-not-real'],
      ['DB_PASSWORD', 'hunter2'],
      ['KEYBOARD_LAYOUT', 'us'],
      ['MONKEY', 'banana'],
      ['EMPTY', ''],
      ['WITH_EQUALS', 'a=b=c'],
    ]);
  });
});

describe('parseLimits', () => {
  it('reads soft and hard limits with their units', () => {
    const limits = parseLimits(text('env-sleep/limits'));
    expect(limits).toHaveLength(16);
    expect(limits.find((l) => l.name === 'Max open files')).toEqual({ name: 'Max open files', soft: 20000, hard: 20000, units: 'files' });
    expect(limits.find((l) => l.name === 'Max stack size')).toEqual({
      name: 'Max stack size',
      soft: 8388608,
      hard: 'unlimited',
      units: 'bytes',
    });
    expect(limits.find((l) => l.name === 'Max nice priority')).toEqual({ name: 'Max nice priority', soft: 0, hard: 0, units: '' });
  });
});

describe('parseUptime and parseMeminfo', () => {
  it('read seconds and kB', () => {
    expect(parseUptime(text('uptime'))).toEqual({ uptimeSeconds: 1606.87, idleSeconds: 2697.17 });
    const mem = parseMeminfo(text('meminfo'));
    expect(mem.get('MemTotal')).toBe(24683656);
    expect(mem.get('MemAvailable')).toBe(24093236);
    expect(mem.get('HugePages_Total')).toBe(0);
  });
});

describe('buildProcessInfo', () => {
  it('assembles what ps shows, with the user name from the target passwd', () => {
    const info = buildProcessInfo({
      stat: parseProcStat(text('nobody-sleep/stat'))!,
      status: parseProcStatus(text('nobody-sleep/status'))!,
      command: ['sleep', '60'],
      users: parsePasswd(text('etc/passwd')),
    });
    expect(info).toEqual({
      pid: 26056,
      ppid: 26028,
      uid: 65534,
      user: 'nobody',
      state: 'S',
      threads: 1,
      rssKiB: 1752,
      startTicks: 160592,
      cpuTicks: 0,
      comm: 'sleep',
      command: ['sleep', '60'],
    });
  });

  it('falls back to stat rss pages when status has no VmRSS', () => {
    const info = buildProcessInfo({
      stat: parseProcStat(text('kthreadd/stat'))!,
      status: parseProcStatus(text('kthreadd/status'))!,
      command: [],
    });
    expect(info).toMatchObject({ pid: 2, rssKiB: 0, command: [] });
    expect(info.user).toBeUndefined();
  });
});

describe('parseProcNetSockets', () => {
  it('reads IPv4 TCP listeners, connections and TIME_WAIT', () => {
    const sockets = parseProcNetSockets(text('net/tcp'), 'tcp');
    expect(sockets).toEqual([
      { protocol: 'tcp', state: 'LISTEN', local: '0.0.0.0:2024', peer: '0.0.0.0:0', localPort: 2024, peerPort: 0, inode: 1082, uid: 0 },
      {
        protocol: 'tcp',
        state: 'LISTEN',
        local: '127.0.0.1:47831',
        peer: '0.0.0.0:0',
        localPort: 47831,
        peerPort: 0,
        inode: 54416,
        uid: 0,
      },
      {
        protocol: 'tcp',
        state: 'ESTABLISHED',
        local: '127.0.0.1:53710',
        peer: '127.0.0.1:47831',
        localPort: 53710,
        peerPort: 47831,
        inode: 54421,
        uid: 0,
      },
      {
        protocol: 'tcp',
        state: 'ESTABLISHED',
        local: '127.0.0.1:47831',
        peer: '127.0.0.1:53710',
        localPort: 47831,
        peerPort: 53710,
        inode: 54422,
        uid: 0,
      },
      {
        protocol: 'tcp',
        state: 'TIME_WAIT',
        local: '127.0.0.1:47831',
        peer: '127.0.0.1:44850',
        localPort: 47831,
        peerPort: 44850,
        inode: 0,
        uid: 0,
      },
    ]);
  });

  it('reads IPv6 addresses as compressed text', () => {
    const sockets = parseProcNetSockets(text('net/tcp6'), 'tcp6');
    expect(sockets[0]).toMatchObject({ state: 'LISTEN', local: '[::1]:47832', peer: '[::]:0', localPort: 47832 });
    expect(sockets[1]).toMatchObject({ state: 'ESTABLISHED', local: '[::1]:47832', peer: '[::1]:51224' });
  });

  it('reads a dual-stack listener and its IPv4 client as IPv4-mapped addresses', () => {
    expect(parseProcNetSockets(text('net-dualstack/tcp6'), 'tcp6')).toMatchObject([
      { state: 'LISTEN', local: '[::]:47835', peer: '[::]:0' },
      { state: 'ESTABLISHED', local: '[::ffff:127.0.0.1]:47835', peer: '[::ffff:127.0.0.1]:44218', inode: expect.any(Number) },
    ]);
    const tcp = parseProcNetSockets(text('net-dualstack/tcp'), 'tcp');
    expect(tcp.find((s) => s.peerPort === 47835)).toMatchObject({ state: 'ESTABLISHED', local: '127.0.0.1:44218', inode: 96241 });
    expect(tcp.filter((s) => s.state === 'TIME_WAIT').map((s) => s.peer)).toEqual(['203.0.113.80:80', '203.0.113.80:80']);
  });

  it('calls unconnected UDP sockets UNCONN', () => {
    expect(parseProcNetSockets(text('net/udp'), 'udp')).toEqual([
      {
        protocol: 'udp',
        state: 'UNCONN',
        local: '127.0.0.1:47833',
        peer: '0.0.0.0:0',
        localPort: 47833,
        peerPort: 0,
        inode: 54419,
        uid: 0,
      },
    ]);
    expect(parseProcNetSockets(text('net/udp6'), 'udp6')).toMatchObject([{ state: 'UNCONN', local: '[::1]:47834', inode: 54420 }]);
  });

  it('reads unix sockets: listening, connected, abstract and unnamed', () => {
    const sockets = parseProcNetSockets(text('net/unix'), 'unix');
    expect(sockets).toHaveLength(38);
    expect(sockets.find((s) => s.inode === 54418)).toEqual({
      protocol: 'unix',
      state: 'LISTEN',
      local: expect.stringMatching(/^\/tmp\/tmp\.\w+\/remora\.sock$/),
      peer: '',
      inode: 54418,
      socketType: 'stream',
    });
    expect(sockets.find((s) => s.inode === 54426)).toMatchObject({ state: 'ESTABLISHED', socketType: 'stream' });
    expect(sockets.find((s) => s.inode === 3768)).toMatchObject({ state: 'UNCONN', local: '@0c4ac', socketType: 'dgram' });
    expect(sockets.find((s) => s.inode === 16315)).toMatchObject({ state: 'LISTEN', local: '/var/run/docker.sock' });
    expect(sockets.filter((s) => s.local === '').length).toBeGreaterThan(0);
  });

  it('ties sockets to the process whose fd links name their inode', () => {
    const owners = new Map<number, { pid: number; process: string }>();
    for (const line of text('node-server/fd-links').split('\n')) {
      const inode = parseSocketInode(line.slice(line.indexOf(' ') + 1));
      if (inode !== undefined) owners.set(inode, { pid: 26074, process: 'node' });
    }
    expect(owners.size).toBe(11);
    const tcp = attachSocketOwners(parseProcNetSockets(text('net/tcp'), 'tcp'), owners);
    expect(tcp.filter((s) => s.pid === 26074).map((s) => s.local)).toEqual(['127.0.0.1:47831', '127.0.0.1:53710', '127.0.0.1:47831']);
    expect(tcp.find((s) => s.state === 'TIME_WAIT')!.pid).toBeUndefined();
    expect(parseSocketInode('pipe:[52035]')).toBeUndefined();
  });
});
