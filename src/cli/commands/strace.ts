// `remora strace <target>`: strace's own lines on stdout (or in a local file), its notices
// on stderr. Ctrl-C, SIGTERM, SIGHUP, --duration and a closed stdout all stop the trace
// the same way: strace detaches and the target runs on.
import { createWriteStream, type WriteStream } from 'node:fs';
import { RemoraError } from '../../core/errors.js';
import { parsePidList } from '../../core/pid.js';
import { encodeTargetText, terminalSafe } from '../../core/target-text.js';
import { isStraceNotice, startTrace, type TraceRun } from '../../ops/strace.js';
import { parseDuration, type GlobalOptions } from '../global-options.js';
import { openTargetSession } from '../session-context.js';
import { onStdoutClosed } from '../stdout-closed.js';
import type { SessionWatch } from '../../session/session-watch.js';

export interface StraceFlags {
  pid?: string[];
  expr?: string[];
  summary?: boolean;
  duration?: string;
  output?: string;
}

export async function straceCommand(globals: GlobalOptions, query: string, flags: StraceFlags): Promise<number> {
  const pids = parsePidList(flags.pid);
  const durationMs = flags.duration === undefined ? undefined : parseDuration(flags.duration) * 1000;
  await using context = await openTargetSession(globals, query);
  using watch = context.session.watch();

  let file: WriteStream | undefined;
  if (flags.output) {
    file = createWriteStream(flags.output);
    await new Promise<void>((resolve, reject) => {
      file!.once('open', () => resolve());
      file!.once('error', (error) => reject(new RemoraError('OPERATION_FAILED', `cannot write ${flags.output}: ${error.message}`, { cause: error })));
    });
  }
  const out: NodeJS.WritableStream = file ?? process.stdout;

  let run: TraceRun | undefined;
  let stopRequested = false;
  let signalled = false;
  const stop = (): void => {
    stopRequested = true;
    void run?.stop();
  };
  const onSignal = (): void => {
    if (signalled) {
      // A second Ctrl-C: leave now. Our connection closes, and the toolkit side still
      // detaches strace (it watches for exactly that).
      process.exit(130);
    }
    signalled = true;
    stop();
  };
  let outputClosed = false;
  let awaitingDrain = false;
  // `remora strace app | head`: the reader is gone, which is a stop, not a failure.
  const unwatchOutput = onStdoutClosed(() => {
    outputClosed = true;
    stop();
  });
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);

  let timer: NodeJS.Timeout | undefined;
  try {
    run = await raceWatch(watch, startTrace(
      context.session,
      { pids, expressions: flags.expr, summary: flags.summary },
      (piece) => {
        if (isStraceNotice(piece)) {
          if (!globals.quiet) process.stderr.write(`${terminalSafe(piece.text, { alreadyEscaped: true })}\n`);
          return;
        }
        if (out === process.stdout && outputClosed) return;
        // Unlike exec's output, these lines are a report on the target (as ps is), so what
        // the target controls in them (names, paths strace did not escape) is escaped on
        // stdout, in strace's own escape language; -o FILE gets strace's text as it is.
        const line = out === process.stdout ? `${terminalSafe(piece.text, { alreadyEscaped: true })}\n` : encodeTargetText(`${piece.text}\n`);
        // Lines already on their way after a pause must not add a listener each.
        if (!out.write(line) && !awaitingDrain) {
          awaitingDrain = true;
          run?.pause();
          out.once('drain', () => {
            awaitingDrain = false;
            run?.resume();
          });
        }
      },
    ));
    // A signal that came while strace was starting.
    if (stopRequested) void run.stop();
    if (durationMs !== undefined) timer = setTimeout(stop, durationMs);
    await Promise.race([run.done, watch.ended]);
    return 0;
  } catch (error) {
    run?.abandon();
    throw await watch.explain(error);
  } finally {
    if (timer) clearTimeout(timer);
    for (const signal of signals) process.off(signal, onSignal);
    unwatchOutput();
    if (file) await new Promise<void>((resolve) => file!.end(() => resolve()));
  }
}

/** The start of a trace (probe, exec), cut short when the target or toolkit dies meanwhile. */
async function raceWatch<T>(watch: SessionWatch, start: Promise<T>): Promise<T> {
  return Promise.race([start, watch.ended]);
}
