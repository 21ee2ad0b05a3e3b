// `remora attach [target]`: the TUI. This file wires it to the CLI: the terminal check, the
// session (as every command opens it), and the plain commands' own formatting (proc's text,
// cp's progress line) and shell, so the TUI shows exactly what they show.
import { RemoraError } from '../../../core/errors.js';
import { listTargets } from '../../../ops/targets.js';
import { runAttach } from '../../../tui/run-attach.js';
import { createSessionDataSource } from '../../../tui/session-data-source.js';
import type { SyscallEvent } from '../../../core/strace-parser.js';
import { settleFromStart, startTraceEvents, waitingProgramPid } from '../../../ops/strace.js';
import type { Stoppable } from '../../../tui/data-source.js';
import { openEngineContext, openFromStartSession, openSessionIn, openTargetSession } from '../../session-context.js';
import { runShell } from '../shell/run.js';
import type { AttachOptions } from './command.js';

export async function attachCommand(query: string | undefined, options: AttachOptions): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new RemoraError('NOT_A_TERMINAL', 'remora attach needs a terminal', {
      hint: `for scripts use the plain commands: remora ps|proc|strace|net ${query ?? '<target>'}, remora cp, remora exec (remora targets lists the targets)`,
    });
  }
  return runAttach({
    query,
    async listTargets() {
      await using context = await openEngineContext(options);
      return await listTargets(context.engine, context.listing);
    },
    async connect(target, say) {
      const context = await openTargetSession(options, target, { say });
      // No process: Trace's `s` runs the program afresh, traced from its start (quietly: the screen is the TUI's).
      const traceFromStart = context.target.postMortem
        ? (onEvents: Parameters<typeof traceProgramFromStart>[2], onEnd: Parameters<typeof traceProgramFromStart>[3]) =>
            traceProgramFromStart({ ...options, quiet: true, rm: true }, target, onEvents, onEnd)
        : undefined;
      return {
        data: createSessionDataSource({
          session: context.session,
          engine: context.engine,
          cwd: process.cwd(),
          traceFromStart,
          // Capture gets its own profile's session, as `remora capture` does; never general widened.
          openCaptureSession: async () =>
            (await openSessionIn(context, { ...options, profile: 'capture' }, context.target.id, { say })).session,
        }),
        openShell: () => runShell(context.session, {}),
        close: async () => context[Symbol.asyncDispose](),
      };
    },
  });
}

/** `strace --from-start` for the TUI: events as the Trace view takes them; the program's status ends it. */
async function traceProgramFromStart(
  options: AttachOptions,
  query: string,
  onEvents: (events: SyscallEvent[]) => void,
  onEnd: (error?: Error) => void,
): Promise<Stoppable> {
  const fromStart = await openFromStartSession(options, query, []);
  let finished = false;
  const finish = async (error?: Error): Promise<void> => {
    if (finished) return;
    finished = true;
    await Promise.resolve(fromStart[Symbol.asyncDispose]()).catch(() => undefined);
    onEnd(error);
  };
  try {
    const pid = await waitingProgramPid(fromStart.session);
    const run = await startTraceEvents(fromStart.session, { pids: [pid] }, onEvents);
    void settleFromStart(run, fromStart.exited).then(
      (status) => finish(status === 0 ? undefined : new Error(`the program exited with status ${status}`)),
      (error: Error) => finish(error),
    );
    return {
      stop: async () => {
        await run.stop();
        await finish();
      },
    };
  } catch (error) {
    await finish();
    throw error;
  }
}
