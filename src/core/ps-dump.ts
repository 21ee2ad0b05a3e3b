// What `remora ps` reads, parsed: the remora-ps helper's JSON or ps.sh's records (see
// toolkit-scripts/ps.sh) as a ProcessListing, with %CPU measured as the listing asked. Pure.
import { RemoraError } from './errors.js';
import { splitDump, groupByPid, procFileOf, type DumpRecord } from './proc-dump.js';
import { buildProcessInfo, parseCmdline, parsePasswd, parseProcStat, parseProcStatus, parseUptime } from './proc-parsers.js';
import type { ListedProcess } from './process-table.js';
import type { ProcessInfo } from './process-types.js';

export interface ProcessListing {
  /** By pid. Toolkit processes only when asked for. */
  processes: ListedProcess[];
  /** What %CPU was measured over, in seconds; 0: each process's lifetime. */
  intervalSeconds: number;
  /** The host's uptime when the listing was taken (sample B). */
  uptimeSeconds: number;
  /** The host's boot time, seconds since the epoch (/proc/stat btime). */
  bootTime: number;
  clockTicks: number;
}

/** How a parser measures %CPU: since `previous` when given; else over each process's lifetime when `lifetime`; else between its two samples. */
interface CpuBasis {
  previous?: ProcessListing;
  lifetime?: boolean;
}

/** What toolkit-image/helpers/remora-ps.c prints (see there). */
interface HelperOutput {
  clockTicks: number;
  pageSize: number;
  bootTime: number;
  passwd: string | null;
  /** Sample A, and what is read once. */
  processes: Array<{
    pid: number;
    uid: number;
    toolkit: boolean;
    comm: string;
    argv: string[];
    startTicksA: number;
    cpuTicksA: number;
    cpuNsA: number | null;
  }>;
  uptimeNs: number;
  intervalNs: number;
  /** Sample B. */
  samples: Array<{
    pid: number;
    ppid: number;
    state: string;
    threads: number;
    rssPages: number;
    startTicks: number;
    cpuTicks: number;
    cpuNs: number | null;
  }>;
}

/**
 * Pure: the processes from the remora-ps helper's JSON. %CPU is nanoseconds on CPU over
 * the interval's nanoseconds; clock ticks only where schedstat is missing, or since a
 * previous listing. A pid reused during the interval is another process: skipped.
 */
export function parsePsHelperOutput(text: string, options: CpuBasis & { includeToolkit?: boolean }): ProcessListing {
  const output = JSON.parse(text) as HelperOutput;
  const clockTicks = output.clockTicks > 0 ? output.clockTicks : 100;
  const users = output.passwd === null ? new Map<number, string>() : parsePasswd(output.passwd);
  const uptime = output.uptimeNs / 1e9;
  const previous = options.previous ? fromListing(options.previous) : undefined;
  const lifetime = !previous && options.lifetime === true;
  const interval = previous ? Math.max(uptime - previous.uptime, 0) : lifetime ? 0 : output.intervalNs / 1e9;
  const first = new Map(output.processes.map((p) => [p.pid, p]));
  const pageKiB = (output.pageSize || 4096) / 1024;
  const processes: ListedProcess[] = [];
  // One object literal per process, of one shape, and no closure: this loop runs once per
  // command on 1,000+ processes while its code is still cold (~10x the cost when warm).
  for (const now of output.samples) {
    const then = first.get(now.pid);
    if (!then || then.startTicksA !== now.startTicks) continue;
    if (then.toolkit && !options.includeToolkit) continue;
    const startSeconds = now.startTicks / clockTicks;
    const age = Math.max(0, uptime - startSeconds);
    let cpu: number;
    if (!previous && !lifetime && then.cpuNsA !== null && now.cpuNs !== null && output.intervalNs > 0)
      cpu = (Math.max(0, now.cpuNs - then.cpuNsA) / output.intervalNs) * 100;
    else {
      const ticksThen = previous
        ? previous.cpu.get(now.pid)
        : lifetime
          ? undefined
          : { cpuTicks: then.cpuTicksA, startTicks: then.startTicksA };
      cpu = cpuPercent(now, ticksThen, clockTicks, interval, age);
    }
    const listed: ListedProcess = {
      pid: now.pid,
      ppid: now.ppid,
      uid: then.uid,
      state: now.state,
      threads: now.threads,
      rssKiB: now.rssPages * pageKiB,
      startTicks: now.startTicks,
      cpuTicks: now.cpuTicks,
      comm: then.comm,
      command: then.argv,
      cpu,
      startedAt: new Date((output.bootTime + startSeconds) * 1000).toISOString(),
      elapsedSeconds: age,
      toolkit: then.toolkit,
    };
    const user = users.get(then.uid);
    if (user !== undefined) listed.user = user;
    processes.push(listed);
  }
  if (processes.length === 0 && output.samples.length === 0) {
    throw new RemoraError('OPERATION_FAILED', 'the process listing came back empty', { hint: 'is /proc mounted in the toolkit image?' });
  }
  return { processes, intervalSeconds: interval, uptimeSeconds: uptime, bootTime: output.bootTime, clockTicks };
}

/** What %CPU needs of a process at one moment: its CPU time so far, and when it started (a pid reused is another process). */
export interface CpuSample {
  cpuTicks: number;
  startTicks: number;
}

interface Sample<T> {
  uptime: number;
  byPid: Map<number, T>;
}

interface CpuSamples {
  uptime: number;
  cpu: Map<number, CpuSample>;
}

/** Pure: the processes from ps.sh's output. Processes gone before sample B are skipped. */
export function parsePsDump(dump: Buffer | string, options: CpuBasis & { targetRoot: string; includeToolkit?: boolean }): ProcessListing {
  const records = splitDump(dump);
  const phases: Record<'a' | 'main' | 'end', DumpRecord[]> = { a: [], main: [], end: [] };
  let phase: keyof typeof phases = 'a';
  let clockTicks = 100;
  let statusText = '';
  const toolkit = new Set<number>();
  for (const record of records) {
    if (record.path === '@phase') phase = record.content === 'end' ? 'end' : 'main';
    else if (record.path === '@clk') clockTicks = Number(record.content) > 0 ? Number(record.content) : 100;
    else if (record.path === '@status') statusText = record.content;
    else if (record.path === '@toolkit') toolkit.add(Number(record.content));
    else phases[phase].push(record);
  }
  const sampleA = readSample(phases.a, cpuFieldsOf);
  const sampleB = readSample(phases.end, parseProcStat);
  if (sampleB.byPid.size === 0)
    throw new RemoraError('OPERATION_FAILED', 'the process listing came back empty', { hint: 'is /proc mounted in the toolkit image?' });

  let bootTime = 0;
  let users = new Map<number, string>();
  const passwdPath = `${options.targetRoot}/etc/passwd`;
  for (const record of phases.main) {
    if (record.path === '/proc/stat') bootTime = Number(/^btime (\d+)$/m.exec(record.content)?.[1] ?? 0);
    else if (record.path === passwdPath) users = parsePasswd(record.content);
  }
  const files = groupByPid(phases.main);
  const statuses = statusByPid(statusText);

  // With a previous listing, CPU is measured since it; else over each lifetime (nothing
  // before: cpuPercent measures from the start), or since sample A.
  const base: CpuSamples = options.previous
    ? fromListing(options.previous)
    : options.lifetime
      ? { uptime: sampleB.uptime, cpu: new Map() }
      : { uptime: sampleA.uptime, cpu: sampleA.byPid };
  const interval = Math.max(sampleB.uptime - base.uptime, 0);
  const clock = { clockTicks, uptimeSeconds: sampleB.uptime, bootTime };
  const processes: ListedProcess[] = [];
  for (const [pid, stat] of sampleB.byPid) {
    const isToolkit = toolkit.has(pid);
    if (isToolkit && !options.includeToolkit) continue;
    const statusText = statuses.get(pid);
    const status = statusText === undefined ? undefined : parseProcStatus(statusText);
    // Born during the interval (no status, no argv taken): the next listing will show it.
    if (!status) continue;
    const command = parseCmdline(files.get(pid)?.get('cmdline') ?? '');
    const info = buildProcessInfo({ stat, status, command, users });
    processes.push(listedProcess(info, clock, isToolkit, (age) => cpuPercent(info, base.cpu.get(pid), clockTicks, interval, age)));
  }
  processes.sort((a, b) => a.pid - b.pid);
  return { processes, intervalSeconds: interval, uptimeSeconds: sampleB.uptime, bootTime, clockTicks };
}

function readSample<T>(records: DumpRecord[], parse: (text: string) => T | undefined): Sample<T> {
  const byPid = new Map<number, T>();
  let uptime = 0;
  for (const record of records) {
    if (record.path === '/proc/uptime') {
      uptime = parseUptime(record.content)?.uptimeSeconds ?? 0;
      continue;
    }
    const where = procFileOf(record.path);
    if (where?.file !== 'stat') continue;
    const parsed = parse(record.content);
    if (parsed) byPid.set(where.pid, parsed);
  }
  return { uptime, byPid };
}

/** What sample A needs of a stat line. */
function cpuFieldsOf(text: string): CpuSample | undefined {
  const stat = parseProcStat(text);
  return stat && { cpuTicks: stat.utime + stat.stime, startTicks: stat.starttime };
}

function fromListing(listing: ProcessListing): CpuSamples {
  return {
    uptime: listing.uptimeSeconds,
    cpu: new Map(listing.processes.map((p) => [p.pid, { cpuTicks: p.cpuTicks, startTicks: p.startTicks }])),
  };
}

interface ListingClock {
  clockTicks: number;
  /** The host's uptime at the listing. */
  uptimeSeconds: number;
  /** The host's boot time, seconds since the epoch. */
  bootTime: number;
}

/** A process as listed: when it started and its age from the clock, %CPU from its age. */
function listedProcess(info: ProcessInfo, clock: ListingClock, toolkit: boolean, cpu: (ageSeconds: number) => number): ListedProcess {
  const startSeconds = info.startTicks / clock.clockTicks;
  const age = Math.max(0, clock.uptimeSeconds - startSeconds);
  return {
    ...info,
    cpu: cpu(age),
    startedAt: new Date((clock.bootTime + startSeconds) * 1000).toISOString(),
    elapsedSeconds: age,
    toolkit,
  };
}

/**
 * CPU use between two samples, in percent of one core. A process that was not in the
 * first sample (or whose pid was reused: another start time) is measured over its life,
 * which is then shorter than the interval.
 */
export function cpuPercent(
  now: CpuSample,
  before: CpuSample | undefined,
  clockTicks: number,
  intervalSeconds: number,
  ageSeconds: number,
): number {
  const same = before !== undefined && before.startTicks === now.startTicks;
  const ticks = now.cpuTicks - (same ? before.cpuTicks : 0);
  const seconds = same ? intervalSeconds : Math.min(Math.max(ageSeconds, 0), intervalSeconds || ageSeconds);
  if (seconds <= 0 || ticks <= 0) return 0;
  return (ticks / clockTicks / seconds) * 100;
}

/** "/proc/12/status:Uid:\t0\t0\t0\t0" lines (grep -H) back into one status text per pid. */
function statusByPid(text: string): Map<number, string> {
  const byPid = new Map<number, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const where = procFileOf(line.slice(0, colon));
    if (!where) continue;
    byPid.set(where.pid, `${byPid.get(where.pid) ?? ''}${line.slice(colon + 1)}\n`);
  }
  return byPid;
}
