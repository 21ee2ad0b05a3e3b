// Traces a target's processes with strace in its toolkit session, as a stream of lines
// (or of SyscallEvents) that can be stopped at any time. However the trace ends (stop(),
// remora killed, the connection lost), strace detaches and the target keeps running:
// see toolkit-scripts/strace.sh.
import { RemoraError } from '../core/errors.js';
import { parsePidList } from '../core/pid.js';
import {
  attachedPid,
  failedAttach,
  planTrace,
  explainAttachFailure,
  parseTaskTracers,
  parseTraceProbe,
  refusedAttach,
  type AttachFacts,
  type TraceContext,
  type TraceProbe,
  type UntracedTask,
} from '../core/trace-checks.js';
import { SplicedLineRepair, StraceJoiner, type StracePiece, type SyscallEvent } from '../core/strace-parser.js';
import type { ExecHandle } from '../engine/types.js';
import { execStartFailure, type ToolkitSession } from '../session/toolkit-session.js';
import { LineSplitter } from './line-splitter.js';
import { findOutsideTracer, findOutsideTracers } from './outside-tracer.js';
import { scriptExec } from '../toolkit-scripts/scripts.js';

/** How long strace gets to detach after a stop before it is killed (the kernel detaches then). */
const STOP_GRACE_MS = 4000;
/** After the kill, how long before the connection is simply dropped. */
const KILL_GRACE_MS = 2000;

export interface TraceOptions {
  /** Pids in the target's PID namespace; default: the target's main process. */
  pids?: number[];
  /** strace -e expressions, passed through ("trace=file", "signal=none"). */
  expressions?: string[];
  /** -c: count calls and print strace's summary table at the end instead of the calls. */
  summary?: boolean;
  /** Follow threads and children (-f); default true. */
  follow?: boolean;
  /**
   * Decorate lines for the event parser: wall-clock times with microseconds (-tt), time
   * spent in each call (-T), and paths and socket addresses for fds (-yy). The TUI wants
   * these; the CLI prints strace's plain lines.
   */
  detailed?: boolean;
}

/** strace's own messages ("strace: Process 1 attached", "... detached"), not trace lines. */
export function isStraceNotice(piece: StracePiece): boolean {
  return piece.kind === 'cut-notice' || piece.text.startsWith('strace: ');
}

export interface TraceResult {
  /** True when the trace ended because stop() was called (or the caller went away). */
  stopped: boolean;
  /** strace's exit status (143 after a stop: it re-raises the SIGTERM it detached on). */
  exitCode: number;
}

export interface TraceRun {
  readonly pids: number[];
  /**
   * The processes and threads strace could not attach to while it traced the others (an
   * outside tracer holds them), as reported to onUntraced; complete once done settles.
   */
  readonly untraced: readonly UntracedTask[];
  /** Ends the trace; resolves once strace has detached and exited. Idempotent. */
  stop(): Promise<TraceResult>;
  /** Settles when the trace ends, whichever way; rejects with why strace could not trace. */
  readonly done: Promise<TraceResult>;
  /** Backpressure: stop reading strace's output (strace, and so the tracees, then wait). */
  pause(): void;
  resume(): void;
  /** Drops the connection at once (the toolkit or strace's tracees are gone: nothing is left to detach). */
  abandon(): void;
}

export function buildStraceArgs(pids: number[], options: TraceOptions): string[] {
  const args: string[] = [];
  if (options.follow ?? true) args.push('-f');
  if (options.detailed) args.push('-tt', '-T', '-yy');
  if (options.summary) args.push('-c');
  for (const expression of options.expressions ?? []) args.push('-e', expression);
  for (const pid of pids) args.push('-p', String(pid));
  return args;
}

/** What remora-hold names its child while it waits for a tracer (toolkit-image/helpers/remora-hold.c). */
export const WAITING_PROGRAM_NAME = 'remora-waiting';

/** The pid of the program a --from-start stand-in holds until it is traced. */
export async function waitingProgramPid(session: ToolkitSession): Promise<number> {
  const probe = await probeTrace(session);
  const waiting = [...probe.processes.values()].find((p) => p.ppid === 1 && p.name === WAITING_PROGRAM_NAME && !p.toolkit);
  if (!waiting)
    throw new RemoraError(
      'OPERATION_FAILED',
      `the program of ${session.target.name}'s stand-in is not waiting to be traced (it ended, or the stand-in did)`,
    );
  return waiting.pid;
}

/** One exec: what tracing would run into. */
export async function probeTrace(session: ToolkitSession): Promise<TraceProbe> {
  const { cmd, env } = scriptExec('strace-probe', []);
  const result = await session.run(cmd, { env });
  if (result.exitCode !== 0) {
    throw new RemoraError(
      'TOOLKIT_COMMAND_FAILED',
      `could not inspect the processes to trace (exit ${result.exitCode}): ${result.stderr.trim().split('\n')[0] ?? ''}`,
    );
  }
  return parseTraceProbe(result.stdout);
}

function traceContext(session: ToolkitSession): TraceContext {
  return { targetName: session.target.name, profile: session.profile.name, toolkitImage: session.image };
}

/**
 * Starts tracing after checking it can be done safely: refuses a paused target (strace
 * would hang until it is unpaused), a pid that is gone, a zombie, one already traced, a
 * toolkit process, a toolkit without strace or without the right to ptrace. strace's
 * output comes to onPiece line by line, each line whole (see SplicedLineRepair): a call,
 * a signal, an exit, a row of the -c table, or one of strace's notices (isStraceNotice).
 * A process or thread that an outside tracer holds while the others are traced comes to
 * onUntraced, its tracer looked up (see UntracedReports).
 */
export async function startTrace(
  session: ToolkitSession,
  options: TraceOptions,
  onPiece: (piece: StracePiece) => void,
  onUntraced?: (task: UntracedTask) => void,
): Promise<TraceRun> {
  if (session.target.state.paused) {
    throw new RemoraError('TARGET_PAUSED', `${session.target.name} is paused: strace would wait until it is unpaused, refusing to trace`, {
      hint: `unpause it first (docker unpause ${session.target.name})`,
    });
  }
  const listed = parsePidList(options.pids);
  const asked = listed ? [...new Set(listed)] : undefined;
  const ctx = traceContext(session);
  const probe = await probeTrace(session);
  const pids = planTrace(probe, { pids: asked, mainPid: session.target.rootPid }, ctx);

  let handle: ExecHandle;
  try {
    handle = await session.exec({ ...scriptExec('strace', buildStraceArgs(pids, options)), stdin: true });
  } catch (error) {
    throw execStartFailure(error, 'strace');
  }
  const untraced = new UntracedReports(session, pids, probe, options.follow ?? true, onUntraced);
  return new StraceRun(session, handle, pids, probe, ctx, onPiece, untraced);
}

/**
 * What strace leaves out while it traces the rest. It says "attach: ptrace(PTRACE_SEIZE,
 * 7): Operation not permitted" for a process an outside tracer holds, and goes on with the
 * others; with -f it skips a held thread of a process it attached without a word. Once
 * strace is past attaching with one pid attached (else it ends, and its failure says why),
 * each refused pid is reported, with its tracer read from the host's /proc; so are the
 * threads of the attached ones that no tracer the toolkit sees holds (TracerPid 0 from
 * here: outside its PID namespace), when the host names their tracer or cannot be read.
 */
class UntracedReports {
  readonly reported: UntracedTask[] = [];
  /** Settles when every report started so far is out. */
  settled: Promise<void> = Promise.resolve();
  private readonly refused: Array<{ pid: number; reason: string }> = [];
  private readonly attached = new Set<number>();
  private readonly failed = new Set<number>();
  private done = false;

  constructor(
    private readonly session: ToolkitSession,
    private readonly pids: number[],
    private readonly probe: TraceProbe,
    private readonly followsThreads: boolean,
    private readonly onUntraced: ((task: UntracedTask) => void) | undefined,
  ) {}

  /** Whether any pid was attached: strace traces, whatever it refused. */
  get tracing(): boolean {
    return this.attached.size > 0;
  }

  /** One of strace's notices. */
  notice(text: string): void {
    if (this.done) return;
    const attached = attachedPid(text);
    const failed = failedAttach(text);
    if (attached === undefined && !failed) return;
    if (attached !== undefined) this.attached.add(attached);
    if (failed) {
      this.failed.add(failed.pid);
      if (refusedAttach(text)) this.refused.push(failed);
    }
    if (this.pids.every((pid) => this.attached.has(pid) || this.failed.has(pid))) this.attachingDone();
  }

  /**
   * strace is past attaching: every pid has its outcome, or a traced call came (strace
   * traces only once it has tried them all).
   */
  attachingDone(): void {
    if (this.done || !this.tracing) return;
    this.done = true;
    if (this.onUntraced) this.settled = this.report().catch(() => undefined);
  }

  private async report(): Promise<void> {
    const refused = this.refused.filter((r) => !this.attached.has(r.pid));
    const threads = this.followsThreads ? await this.unseenThreads() : [];
    const ids = [...refused.map((r) => r.pid), ...threads.map((t) => t.tid)];
    if (ids.length === 0) return;
    const host = await findOutsideTracers(this.session.target.id, ids);
    const tasks: UntracedTask[] = refused.map(({ pid, reason }) => ({
      id: pid,
      name: this.probe.processes.get(pid)?.name,
      reason,
      tracer: host.tracers.get(pid),
    }));
    for (const { pid, tid } of threads) {
      const tracer = host.tracers.get(tid);
      // Seen from the host without a tracer: a thread that began or ended meanwhile, not held.
      if (host.visible && !tracer) continue;
      tasks.push({ id: tid, threadOf: pid, name: this.probe.processes.get(pid)?.name, tracer });
    }
    for (const task of tasks) {
      this.reported.push(task);
      this.onUntraced?.(task);
    }
  }

  /** Threads of the attached processes that no tracer in the toolkit's view holds. */
  private async unseenThreads(): Promise<Array<{ pid: number; tid: number }>> {
    const { cmd, env } = scriptExec('strace-threads', [...this.attached]);
    // Bounded: the trace's end waits for this report, and a dying toolkit may never answer.
    const result = await this.session.run(cmd, { env, signal: AbortSignal.timeout(5000) });
    return parseTaskTracers(result.stdout.toString('utf8')).filter((t) => t.tid !== t.pid && t.tracerPid === 0);
  }
}

class StraceRun implements TraceRun {
  readonly done: Promise<TraceResult>;
  private stopping = false;
  private stracePid: number | undefined;
  private readonly notices: string[] = [];
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly session: ToolkitSession,
    private readonly handle: ExecHandle,
    readonly pids: number[],
    probe: TraceProbe,
    context: TraceContext,
    onPiece: (piece: StracePiece) => void,
    private readonly reports: UntracedReports,
  ) {
    const repair = new SplicedLineRepair();
    const deliver = (pieces: StracePiece[]): void => {
      for (const piece of pieces) {
        if (isStraceNotice(piece)) {
          this.notices.push(piece.text);
          reports.notice(piece.text);
        } else reports.attachingDone();
        onPiece(piece);
      }
    };
    const lines = new LineSplitter((line) => deliver(repair.push(line)));
    handle.stdout.on('data', (chunk: Buffer) => lines.push(chunk));
    const own = new LineSplitter((line) => {
      const m = /^remora-strace-pid=(\d+)$/.exec(line);
      if (m) this.stracePid = Number(m[1]);
      else this.notices.push(line);
    });
    handle.stderr.on('data', (chunk: Buffer) => own.push(chunk));
    // The engine closes our side when the exec ends; a write after that is not an error.
    handle.stdin?.on('error', () => undefined);

    this.done = handle.exitCode.then(
      async (exitCode) => {
        lines.end();
        deliver(repair.flush());
        own.end();
        this.clearTimers();
        await reports.settled;
        if (this.stopping) return { stopped: true, exitCode };
        if (exitCode === 0) return { stopped: false, exitCode };
        const text = this.notices.join('\n');
        // Attach failures explain the end only when nothing was traced: else they were reported.
        const refused = reports.tracing ? undefined : refusedAttach(text);
        const facts = refused ? await attachFacts(session, refused.pid) : {};
        throw (
          (reports.tracing ? undefined : explainAttachFailure(text, probe, context, facts)) ??
          new RemoraError('OPERATION_FAILED', `strace ended with status ${exitCode}${lastMessage(this.notices)}`, {
            details: this.notices.slice(-3),
          })
        );
      },
      async (error: unknown) => {
        // The connection dropped: what was read still reaches the handlers, whole.
        lines.end();
        deliver(repair.flush());
        own.end();
        this.clearTimers();
        await reports.settled;
        if (this.stopping) return { stopped: true, exitCode: -1 };
        throw error;
      },
    );
    // Callers that only stop() must not see an unhandled rejection.
    this.done.catch(() => undefined);
  }

  get untraced(): readonly UntracedTask[] {
    return this.reports.reported;
  }

  stop(): Promise<TraceResult> {
    if (!this.stopping) {
      this.stopping = true;
      this.handle.stdout.resume();
      // EOF on the wrapper's stdin: strace gets SIGTERM and detaches.
      this.handle.stdin?.end();
      this.timers.push(setTimeout(() => void this.escalate(), STOP_GRACE_MS));
    }
    return this.done.catch(() => ({ stopped: true, exitCode: -1 }));
  }

  pause(): void {
    this.handle.stdout.pause();
  }

  abandon(): void {
    this.stopping = true;
    this.clearTimers();
    this.handle.close();
  }

  resume(): void {
    this.handle.stdout.resume();
  }

  /**
   * strace did not finish detaching in time (a tracee that cannot stop, e.g. frozen):
   * kill it, which makes the kernel detach it from every tracee, then drop the connection.
   * Not while strace is still starting (a loaded machine): killed then, it would leave its
   * test children behind; strace.sh stops it once it can be stopped.
   */
  private async escalate(): Promise<void> {
    const pid = this.stracePid;
    if (pid !== undefined) {
      // Only if that pid is still strace: it may have exited meanwhile and been reused.
      const { cmd, env } = scriptExec('strace-kill', [pid]);
      await this.session.run(cmd, { env }).catch(() => undefined);
    }
    this.timers.push(setTimeout(() => this.handle.close(), KILL_GRACE_MS));
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }
}

/**
 * A refused attach, looked at again: the process's tracer on the host (when remora runs
 * there), else whether the toolkit may ptrace at all (strace on a child of its own), so
 * seccomp is blamed only when it is the cause.
 */
async function attachFacts(session: ToolkitSession, pid: number): Promise<AttachFacts> {
  const outsideTracer = await findOutsideTracer(session.target.id, pid).catch(() => undefined);
  if (outsideTracer) return { outsideTracer };
  const selfTest = await session.run(['strace', '-qq', '-e', 'trace=none', '-o', '/dev/null', 'true']).catch(() => undefined);
  return { toolkitCanTrace: selfTest?.exitCode === 0 };
}

function lastMessage(notices: string[]): string {
  const last = notices.filter((n) => !/Process \d+ (attached|detached)/.test(n)).at(-1);
  return last ? `: ${last.replace(/^strace: /, '')}` : '';
}

/**
 * The TUI's stream: strace's lines as SyscallEvents, calls split by other threads joined
 * back (a joined call comes out when its second half arrives). Always decorated (-tt -T
 * -yy) so events carry time, duration and fd targets.
 */
export async function startTraceEvents(
  session: ToolkitSession,
  options: Omit<TraceOptions, 'detailed' | 'summary'>,
  onEvents: (events: SyscallEvent[]) => void,
): Promise<TraceRun> {
  const joiner = new StraceJoiner();
  const emit = (piece: StracePiece): void => {
    const events = joiner.push(piece);
    if (events.length) onEvents(events);
  };
  const run = await startTrace(session, { ...options, detailed: true }, emit);
  void run.done
    .finally(() => {
      const rest = joiner.flush();
      if (rest.length) onEvents(rest);
    })
    .catch(() => undefined);
  return run;
}

/** How long a trace may take to deliver its last lines after its program's stand-in ended. */
const AFTER_EXIT_GRACE_MS = 3000;

/**
 * A --from-start trace ends with its program: remora-hold exits once strace has, and the
 * engine then kills the toolkit in the stand-in's PID namespace. The exec's stream usually
 * ends then, but an engine can leave it open (dockerd 20.10 does, now and then): wait for it
 * a little, then drop it. Resolves with the program's status.
 */
export async function settleFromStart(run: TraceRun, exited: Promise<number>): Promise<number> {
  const traced = run.done.then(
    () => undefined,
    () => undefined,
  );
  const status = await exited;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([traced, new Promise<void>((resolve) => (timer = setTimeout(resolve, AFTER_EXIT_GRACE_MS)))]);
  clearTimeout(timer);
  run.abandon();
  return status;
}
