// A TuiDataSource without an engine, for the TUI's in-process tests: canned processes,
// files and sockets, a trace that emits on demand, and a record of what was asked.
import type { ListedProcess } from '../../src/core/process-table.js';
import type { SyscallEvent } from '../../src/core/strace-parser.js';
import type { ChangeMark, FileDiff, FileEntry, TargetEvent, TargetHeader, TuiDataSource } from '../../src/tui/data-source.js';

export function fakeProcess(pid: number, ppid: number, command: string, extra: Partial<ListedProcess> = {}): ListedProcess {
  return {
    pid,
    ppid,
    uid: 0,
    user: 'root',
    state: 'S',
    threads: 1,
    rssKiB: 908,
    startTicks: pid,
    cpuTicks: 0,
    comm: (command.split(' ')[0] ?? '').split('/').pop()?.slice(0, 15) ?? '',
    command: command.split(' '),
    cpu: 0,
    startedAt: '2026-11-23T09:00:00.000Z',
    elapsedSeconds: 125,
    toolkit: false,
    ...extra,
  };
}

function entry(name: string, type: FileEntry['type'], extra: Partial<FileEntry> = {}): FileEntry {
  return {
    name,
    type,
    size: type === 'directory' ? 40 : 1234,
    mode: type === 'directory' ? 0o755 : 0o644,
    uid: 0,
    gid: 0,
    user: 'root',
    group: 'root',
    mtimeMs: Date.UTC(2026, 10, 23, 9),
    ...extra,
  };
}

export const FAKE_SUMMARY: TargetHeader = {
  name: 'shop-api',
  image: 'registry.example/shop-api:1.4.2',
  state: 'running',
  startedAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
  user: 'root',
  profile: 'general',
  engine: 'unix:///var/run/docker.sock',
};

export class FakeDataSource implements TuiDataSource {
  processes: ListedProcess[] = [
    fakeProcess(1, 0, '/app --port 8080', { user: 'nonroot', uid: 65532 }),
    fakeProcess(7, 1, '/app worker', { cpu: 12.5, rssKiB: 20480, user: 'nonroot', uid: 65532 }),
    fakeProcess(9, 1, '/usr/bin/日本語-batch --nightly', { user: 'nonroot', uid: 65532 }),
  ];
  directories: Record<string, FileEntry[]> = {
    '/': [
      entry('data', 'directory'),
      entry('etc', 'directory'),
      entry('app', 'file', { mode: 0o755, size: 904008 }),
      entry('current', 'symlink', { linkTarget: '/data' }),
    ],
    '/data': [entry('app.log', 'file'), entry('rapport-été.csv', 'file'), entry('日本語.txt', 'file')],
    '/etc': [entry('passwd', 'file')],
  };
  /** Changes against the image by path (none unless a test sets some). */
  changes = new Map<string, ChangeMark>();
  /** What D shows for a path (the same as the image's unless a test says otherwise). */
  diffs: Record<string, FileDiff> = {};
  calls: string[] = [];
  signals: Array<[number, string]> = [];
  activeTraces = 0;
  maxActiveTraces = 0;
  traceEmitters: Array<(events: SyscallEvent[]) => void> = [];
  watcher: ((event: TargetEvent) => void) | undefined;
  logLines: ((lines: Array<{ stream: 'stdout' | 'stderr'; text: string }>) => void) | undefined;

  async summary(): Promise<TargetHeader> {
    return FAKE_SUMMARY;
  }
  async listProcesses(): Promise<ListedProcess[]> {
    this.calls.push('listProcesses');
    return this.processes;
  }
  async processDetails(pid: number) {
    this.calls.push(`processDetails ${pid}`);
    return {
      title: `process ${pid} (app) in shop-api`,
      lines: [`pid           ${pid}`, 'environment', '  DB_PASSWORD=********', '  PORT=8080'],
    };
  }
  async sendSignal(pid: number, signal: string): Promise<void> {
    this.signals.push([pid, signal]);
  }
  async trace(pids: number[], onEvents: (events: SyscallEvent[]) => void, onEnd: (error?: Error) => void) {
    this.calls.push(`trace ${pids.join(',')}`);
    this.activeTraces++;
    this.maxActiveTraces = Math.max(this.maxActiveTraces, this.activeTraces);
    let live = true;
    this.traceEmitters.push((events) => {
      if (live) onEvents(events);
    });
    return {
      stop: async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (live) this.activeTraces--;
        live = false;
        onEnd();
      },
    };
  }
  async listSockets() {
    this.calls.push('listSockets');
    return [
      {
        protocol: 'tcp' as const,
        state: 'LISTEN',
        local: '0.0.0.0:8080',
        peer: '0.0.0.0:0',
        localPort: 8080,
        inode: 1,
        pid: 1,
        process: 'app',
      },
      {
        protocol: 'tcp' as const,
        state: 'ESTABLISHED',
        local: '172.17.0.2:8080',
        peer: '172.17.0.1:51234',
        localPort: 8080,
        peerPort: 51234,
        inode: 2,
        pid: 7,
        process: 'app',
      },
    ];
  }
  readonly captures: Array<{ path: string; stopped: boolean; onPackets(n: number): void }> = [];
  async capture(localPath: string, onPackets: (n: number) => void, onEnd: (end: { packets: number; path: string } | Error) => void) {
    this.calls.push(`capture ${localPath}`);
    const entry = { path: `/home/ops/${localPath}`, stopped: false, onPackets };
    this.captures.push(entry);
    return {
      path: entry.path,
      stop: async () => {
        entry.stopped = true;
        onEnd({ packets: 42, path: entry.path });
      },
    };
  }
  readonly forwards: Array<{ remoteAddress: string; remotePort: number; stopped: boolean }> = [];
  async forward(remoteAddress: string, remotePort: number) {
    this.calls.push(`forward ${remoteAddress} ${remotePort}`);
    const entry = { remoteAddress, remotePort, stopped: false };
    this.forwards.push(entry);
    return { local: `127.0.0.1:${remotePort}`, remotePort, stop: async () => void (entry.stopped = true) };
  }
  async openPath(path: string) {
    this.calls.push(`openPath ${path}`);
    const resolved = path === '/current' ? '/data' : path;
    const entries = this.directories[resolved];
    if (!entries) return { kind: 'file' as const, path: resolved };
    return { kind: 'directory' as const, listing: { path: resolved, entries } };
  }
  async previewFile(path: string) {
    this.calls.push(`previewFile ${path}`);
    if (path === '/app')
      return { path, size: 904008, type: 'ELF 64-bit LSB executable, x86-64, statically linked', binary: true, text: '', truncated: false };
    return {
      path,
      size: 57,
      type: 'ASCII text',
      binary: false,
      text: '2026-11-23T09:00:01Z tick 1\n2026-11-23T09:00:02Z tick 2\n',
      truncated: false,
    };
  }
  async listChanges() {
    return this.changes;
  }
  async diffFile(path: string) {
    this.calls.push(`diffFile ${path}`);
    return this.diffs[path] ?? { kind: 'same' as const };
  }
  async download(targetPath: string, localPath: string, onProgress: (line: string) => void) {
    this.calls.push(`download ${targetPath} ${localPath}`);
    onProgress('1.0 KiB / 2.0 KiB  1.0 KiB/s  ETA 0:01');
    return `downloaded shop-api:${targetPath} to ${localPath} (1 file, 2.0K)`;
  }
  async upload(localPath: string, targetDirectory: string) {
    this.calls.push(`upload ${localPath} ${targetDirectory}`);
    return `uploaded ${localPath} to shop-api:${targetDirectory}`;
  }
  async followLogs(onLines: (lines: Array<{ stream: 'stdout' | 'stderr'; text: string }>) => void) {
    this.calls.push('followLogs');
    this.logLines = onLines;
    onLines([
      { stream: 'stdout', text: 'listening on :8080' },
      { stream: 'stderr', text: 'warning: cache is cold' },
      { stream: 'stdout', text: 'GET /health 200' },
    ]);
    return { stop: async () => undefined };
  }
  watchTarget(onEvent: (event: TargetEvent) => void) {
    this.watcher = onEvent;
    return { stop: async () => undefined };
  }
}
