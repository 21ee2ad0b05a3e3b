// What may be traced, decided before strace runs, and why an attach failed, decided after:
// pure functions over what the toolkit reported (see ops/strace.ts for the probe script).
// Every refusal is one line that says what is in the way, plus a hint on what to do.
import { RemoraError } from './errors.js';
import { procFileOf, splitDump } from './proc-dump.js';
import { parseProcStat } from './proc-parsers.js';

/** CAP_SYS_PTRACE's bit in /proc/<pid>/status Cap* masks. */
const CAP_SYS_PTRACE = 19n;

export interface TracedProcessFacts {
  pid: number;
  ppid: number;
  name: string;
  /** The state letter of /proc/<pid>/stat (R, S, D, Z, T, t, ...). */
  state: string;
  /** As seen from the toolkit's PID namespace: 0 also when the tracer is outside it. */
  tracerPid: number;
  /** In the toolkit's own mount namespace: one of Remora's processes, not the target's. */
  toolkit: boolean;
}

export interface TraceProbe {
  straceFound: boolean;
  /** CapEff of the toolkit's processes, hex as in /proc/self/status. */
  capEff?: string;
  /** 0 none, 1 strict, 2 filter. */
  seccomp?: number;
  /** kernel.yama.ptrace_scope; absent when Yama is not in the kernel. */
  yamaScope?: number;
  /** The toolkit's AppArmor label ("docker-default (enforce)"); absent without AppArmor. */
  apparmor?: string;
  /** Every process the toolkit sees, by pid. */
  processes: Map<number, TracedProcessFacts>;
}

/** Reads the probe's dump (see toolkit-scripts/strace-probe.sh). */
export function parseTraceProbe(dump: Buffer | string): TraceProbe {
  const probe: TraceProbe = { straceFound: false, processes: new Map() };
  const toolkit = new Set<number>();
  const tracers = new Map<number, number>();
  for (const record of splitDump(dump)) {
    const value = record.content.trim();
    switch (record.path) {
      case '@strace':
        probe.straceFound = value === '1';
        break;
      case '@capeff':
        probe.capEff = value;
        break;
      case '@seccomp':
        probe.seccomp = Number(value);
        break;
      case '@yama':
        probe.yamaScope = Number(value);
        break;
      case '@apparmor':
        probe.apparmor = value;
        break;
      case '@toolkit':
        toolkit.add(Number(value));
        break;
      case '@status':
        // "/proc/12/status:TracerPid:\t0" lines.
        for (const line of record.content.split('\n')) {
          const m = /^\/proc\/(\d+)\/status:TracerPid:\s*(\d+)/.exec(line);
          if (m) tracers.set(Number(m[1]), Number(m[2]));
        }
        break;
      default: {
        const where = procFileOf(record.path);
        const stat = where?.file === 'stat' ? parseProcStat(record.content) : undefined;
        if (stat)
          probe.processes.set(stat.pid, {
            pid: stat.pid,
            ppid: stat.ppid,
            name: stat.comm,
            state: stat.state,
            tracerPid: 0,
            toolkit: false,
          });
      }
    }
  }
  for (const p of probe.processes.values()) {
    p.tracerPid = tracers.get(p.pid) ?? 0;
    p.toolkit = toolkit.has(p.pid);
  }
  return probe;
}

export function hasCapability(capHex: string | undefined, bit: bigint): boolean {
  if (!capHex || !/^[0-9a-f]+$/i.test(capHex)) return false;
  return ((BigInt(`0x${capHex}`) >> bit) & 1n) === 1n;
}

export interface TraceContext {
  targetName: string;
  profile: string;
  toolkitImage?: string;
}

/**
 * The pids to hand strace, or the refusal for what makes tracing impossible or unsafe,
 * decided before strace starts. Pids asked for by the user must all be traceable; by
 * default the main process is traced with its existing descendants (-f only follows new
 * ones), skipping those that cannot be (zombies, already traced). What only an attempt can
 * tell (seccomp, AppArmor) is left to explainAttachFailure.
 */
export function planTrace(probe: TraceProbe, request: { pids?: number[]; mainPid: number }, context: TraceContext): number[] {
  if (!probe.straceFound) {
    throw new RemoraError('TOOL_MISSING', `strace is not in the toolkit image${context.toolkitImage ? ` ${context.toolkitImage}` : ''}`, {
      hint: "drop --toolkit-image to use Remora's own toolkit, or use an image that has strace",
    });
  }
  const asked = request.pids?.length ? request.pids : [request.mainPid];
  for (const pid of asked) refuseUntraceable(probe, pid, context);
  if (!hasCapability(probe.capEff, CAP_SYS_PTRACE)) throw noPtraceCapability(context);
  if (probe.yamaScope === 3) throw yamaForbidsAll();
  if (request.pids?.length) return asked;
  const descendants = descendantsOf(probe, request.mainPid).filter(
    (p) => !p.toolkit && p.tracerPid === 0 && p.state !== 'Z' && p.state !== 'X',
  );
  return [request.mainPid, ...descendants.map((p) => p.pid)];
}

function refuseUntraceable(probe: TraceProbe, pid: number, context: TraceContext): void {
  const p = probe.processes.get(pid);
  if (!p) {
    throw new RemoraError('PROCESS_NOT_FOUND', `no process ${pid} in ${context.targetName}`, {
      hint: `list them with: remora ps ${context.targetName}`,
    });
  }
  if (p.toolkit) {
    throw new RemoraError(
      'USAGE',
      `pid ${pid} (${p.name}) is one of the toolkit's own processes, not ${context.targetName}'s: refusing to trace it`,
      {
        hint: `pick a pid from: remora ps ${context.targetName}`,
      },
    );
  }
  if (p.state === 'Z' || p.state === 'X') {
    throw new RemoraError(
      'PROCESS_NOT_FOUND',
      `pid ${pid} (${p.name}) has exited (a zombie waiting for its parent): there is nothing to trace`,
    );
  }
  if (p.tracerPid !== 0) {
    throw new RemoraError(
      'PTRACE_DENIED',
      `pid ${pid} (${p.name}) is already traced by pid ${p.tracerPid}${tracerName(probe, p.tracerPid)}: a process can have only one tracer`,
      {
        hint: `stop the other tracer first (remora exec ${context.targetName} -- kill ${p.tracerPid})`,
      },
    );
  }
}

function tracerName(probe: TraceProbe, tracer: number): string {
  const name = probe.processes.get(tracer)?.name;
  return name ? ` (${name})` : '';
}

/** Every process below pid, breadth first (children in pid order). */
export function descendantsOf(probe: TraceProbe, pid: number): TracedProcessFacts[] {
  const children = new Map<number, TracedProcessFacts[]>();
  for (const p of probe.processes.values()) {
    if (p.pid === p.ppid) continue;
    const list = children.get(p.ppid) ?? [];
    list.push(p);
    children.set(p.ppid, list);
  }
  const out: TracedProcessFacts[] = [];
  const seen = new Set<number>([pid]);
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of (children.get(queue.shift()!) ?? []).sort((a, b) => a.pid - b.pid)) {
      if (seen.has(child.pid)) continue;
      seen.add(child.pid);
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

function noPtraceCapability(context: TraceContext): RemoraError {
  if (context.profile === 'restricted') {
    return new RemoraError('PTRACE_DENIED', 'the restricted profile has no SYS_PTRACE capability: it cannot trace', {
      hint: 'use --profile general (the default), which adds SYS_PTRACE and nothing that reaches the host',
    });
  }
  return new RemoraError('PTRACE_DENIED', `the toolkit has no SYS_PTRACE capability (profile ${context.profile}): it cannot trace`, {
    hint: "the engine dropped it; use --profile general, or check the engine's capability settings (remora doctor)",
  });
}

function yamaForbidsAll(): RemoraError {
  return new RemoraError('PTRACE_DENIED', 'Yama forbids every ptrace on this host (kernel.yama.ptrace_scope = 3)', {
    hint: "only a reboot lowers it; ask the host's administrator (ptrace_scope 1 or 2 work with the general profile)",
  });
}

const ATTACH_FAILURE = /^strace: attach: ptrace\(PTRACE_(?:SEIZE|ATTACH), (\d+)\): (.*)$/m;

/** The pid strace could not attach to and why, whatever the reason (gone, refused). */
export function failedAttach(stderr: string): { pid: number; reason: string } | undefined {
  const failure = ATTACH_FAILURE.exec(stderr);
  return failure ? { pid: Number(failure[1]), reason: failure[2]!.trim() } : undefined;
}

/** The pid strace could not attach to and why, when it says it was refused (EPERM/EACCES). */
export function refusedAttach(stderr: string): { pid: number; reason: string } | undefined {
  const failure = failedAttach(stderr);
  return failure && /Operation not permitted|Permission denied/i.test(failure.reason) ? failure : undefined;
}

/** What only a second look can tell after a refused attach (see ops/strace.ts). */
export interface AttachFacts {
  /** The process's tracer outside the toolkit (on the host), when it could be read. */
  outsideTracer?: { pid: number; command?: string };
  /** Whether strace in the toolkit could trace a child of its own: then ptrace itself is allowed. */
  toolkitCanTrace?: boolean;
}

/**
 * Turns strace's failure to attach into the reason, from what the probe saw: a missing
 * capability, Yama, a tracer outside the toolkit, seccomp or AppArmor. Undefined when
 * stderr holds no attach failure.
 */
export function explainAttachFailure(
  stderr: string,
  probe: TraceProbe,
  context: TraceContext,
  facts: AttachFacts = {},
): RemoraError | undefined {
  const failure = ATTACH_FAILURE.exec(stderr);
  if (!failure) return undefined;
  const pid = Number(failure[1]);
  const reason = failure[2]!.trim();
  if (/No such process/i.test(reason)) {
    return new RemoraError('PROCESS_NOT_FOUND', `process ${pid} exited before strace could attach to it`);
  }
  if (!/Operation not permitted|Permission denied/i.test(reason)) {
    return new RemoraError('PTRACE_DENIED', `strace could not attach to pid ${pid}: ${reason}`);
  }
  if (!hasCapability(probe.capEff, CAP_SYS_PTRACE)) return noPtraceCapability(context);
  if (probe.yamaScope === 3) return yamaForbidsAll();
  const name = probe.processes.get(pid)?.name;
  const what = `pid ${pid}${name ? ` (${name})` : ''}`;
  // TracerPid reads 0 from the toolkit when the tracer is outside its PID namespace.
  if (facts.outsideTracer) {
    const { pid: tracer, command } = facts.outsideTracer;
    return new RemoraError(
      'PTRACE_DENIED',
      `${what} is already traced by pid ${tracer} on the host${command ? ` (${command})` : ''}: a process can have only one tracer`,
      {
        hint: `stop that tracer first (on the engine's host: kill ${tracer})`,
      },
    );
  }
  if (facts.toolkitCanTrace) {
    return new RemoraError(
      'PTRACE_DENIED',
      `${what} could not be traced, though the toolkit can trace: another tracer outside the toolkit (strace or a debugger on the host) most likely holds it`,
      {
        hint: "on the engine's host, TracerPid in /proc/<pid>/status names it; stop it first",
      },
    );
  }
  if (probe.seccomp === 2) {
    return new RemoraError(
      'PTRACE_DENIED',
      `ptrace of pid ${pid} was denied although the toolkit has SYS_PTRACE: the toolkit's seccomp filter forbids it`,
      {
        hint: "the engine's seccomp profile blocks ptrace (old engines do so on kernels before 4.8); --profile sysadmin runs without seccomp, or allow ptrace in the engine's profile",
      },
    );
  }
  if (probe.apparmor && !/^unconfined/.test(probe.apparmor)) {
    return new RemoraError(
      'PTRACE_DENIED',
      `ptrace of pid ${pid} was denied by the AppArmor profile ${probe.apparmor.replace(/\s*\(.*\)$/, '')}`,
      {
        hint: '--profile sysadmin runs the toolkit unconfined, or load an AppArmor profile that allows ptrace',
      },
    );
  }
  return new RemoraError('PTRACE_DENIED', `ptrace of pid ${pid} was denied (${reason})`, {
    hint: 'another tracer outside the container may hold it (a debugger on the host), or a security module forbids it; see remora doctor',
  });
}

/** The pid of strace's "Process N attached" notice (also "... attached with M threads"). */
export function attachedPid(notice: string): number | undefined {
  const m = /^strace: Process (\d+) attached\b/.exec(notice);
  return m ? Number(m[1]) : undefined;
}

/** A process or thread that strace could not attach to while it traced the others. */
export interface UntracedTask {
  /** Its id as the toolkit sees it: a pid, or a thread's id. */
  id: number;
  /** For a thread: the process it belongs to. */
  threadOf?: number;
  /** The process's name (comm), when the probe saw it. */
  name?: string;
  /** strace's reason, when it gave one ("Operation not permitted"). */
  reason?: string;
  /** Its tracer on the engine's host, when it could be read there. */
  tracer?: { pid: number; command?: string };
}

/**
 * The line that says why one process or thread is left out of a trace that goes on, e.g.
 * "pid 7 (app) is already traced by pid 4242 on the host (strace -p 4200): not traced, the
 * others are". Text from the target is raw here: the printer escapes it.
 */
export function describeUntraced(task: UntracedTask): string {
  const what =
    task.threadOf === undefined
      ? `pid ${task.id}${task.name ? ` (${task.name})` : ''}`
      : `thread ${task.id} of pid ${task.threadOf}${task.name ? ` (${task.name})` : ''}`;
  const why = task.tracer
    ? `is already traced by pid ${task.tracer.pid} on the host${task.tracer.command ? ` (${task.tracer.command})` : ''}`
    : `could not be traced${task.reason ? ` (${task.reason})` : ''}, most likely held by a tracer outside the toolkit`;
  return `${what} ${why}: not traced, the others are`;
}

/**
 * Reads `grep -H '^TracerPid:' /proc/<pid>/task/<tid>/status` lines: each thread's tracer
 * as the toolkit sees it (0 also when the tracer is outside its PID namespace).
 */
export function parseTaskTracers(text: string): Array<{ pid: number; tid: number; tracerPid: number }> {
  const tasks: Array<{ pid: number; tid: number; tracerPid: number }> = [];
  for (const line of text.split('\n')) {
    const m = /^\/proc\/(\d+)\/task\/(\d+)\/status:TracerPid:\s*(\d+)/.exec(line);
    if (m) tasks.push({ pid: Number(m[1]), tid: Number(m[2]), tracerPid: Number(m[3]) });
  }
  return tasks;
}

/** The last line of a trace that left some out: "the trace left out pid 7 and thread 9 of pid 1 (said above)". */
export function describeLeftOut(tasks: readonly UntracedTask[]): string {
  const names = tasks.map((t) => (t.threadOf === undefined ? `pid ${t.id}` : `thread ${t.id} of pid ${t.threadOf}`));
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0];
  return `the trace left out ${list} (said above)`;
}
