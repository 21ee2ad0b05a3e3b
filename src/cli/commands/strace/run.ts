// `remora strace <target>`: strace's own lines on stdout (or in a local file), its notices
// on stderr. Ctrl-C, SIGTERM, SIGHUP, --duration and a closed stdout all stop the trace
// the same way: strace detaches and the target runs on.
import { createWriteStream, type WriteStream } from 'node:fs';
import { EXIT, RemoraError } from '../../../core/errors.js';
import { exitStatusOfSignal } from '../../../core/exit-status.js';
import { parsePidList } from '../../../core/pid.js';
import { describeLeftOut, describeUntraced, refusedAttach } from '../../../core/trace-checks.js';
import { encodeTargetText, terminalSafe } from '../../../core/target-text.js';
import { isStraceNotice, settleFromStart, startTrace, waitingProgramPid, type TraceRun } from '../../../ops/strace.js';
import type { SessionWatch } from '../../../session/session-watch.js';
import { parseDuration } from '../../../core/duration.js';
import { openFromStartSession, openTargetSession, type FromStartContext } from '../../session-context.js';
import { onStdoutClosed } from '../../stdout-closed.js';
import type { StraceOptions } from './command.js';

export async function straceCommand(query: string, rest: string[], options: StraceOptions): Promise<number> {
  // With --from-start: the program to run instead of the target's own (a `--` before it kept by commander).
  const command = rest[0] === '--' ? rest.slice(1) : rest;
  const pids = parsePidList(options.pid);
  const durationMs = options.duration === undefined ? undefined : parseDuration(options.duration) * 1000;
  if (command.length && !options.fromStart)
    throw new RemoraError('USAGE', 'a command to run is for --from-start only', {
      hint: `remora strace --from-start ${query} -- CMD ARGS...`,
    });
  if (options.fromStart && pids)
    throw new RemoraError('USAGE', '--from-start traces the program it starts; -p does not apply', {
      hint: `remora strace --from-start ${query}`,
    });
  await using context = options.fromStart
    ? await openFromStartSession(options, query, command)
    : await openTargetSession(options, query, { needsProcess: true });
  const fromStart = options.fromStart ? (context as FromStartContext) : undefined;
  // The holder's own calls before the program's execve are not the program's: skipped. With
  // -e the execve may not be traced at all, so nothing is skipped (the filter keeps few of them).
  let beforeExecve = fromStart !== undefined && !options.expr?.length && !options.summary;
  // A live target is watched: the engine does not end strace's stream when it dies. A
  // --from-start stand-in ends when its program does, which is no failure (settleFromStart).
  using watch = fromStart ? undefined : context.session.watch();

  let file: WriteStream | undefined;
  if (options.output) {
    file = createWriteStream(options.output);
    await new Promise<void>((resolve, reject) => {
      file!.once('open', () => resolve());
      file!.once('error', (error) =>
        reject(new RemoraError('OPERATION_FAILED', `cannot write ${options.output}: ${error.message}`, { cause: error })),
      );
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
      process.exit(exitStatusOfSignal('SIGINT'));
    }
    signalled = true;
    stop();
  };
  let outputClosed = false;
  let awaitingDrain = false;
  // The lines of one read of strace's stream go out in one write: a write per line (a
  // syscall each, stdout being a pipe or a terminal) took most of the CPU at 20,000+ lines/s.
  let batch: Array<string | Buffer> = [];
  const flush = (): void => {
    if (batch.length === 0) return;
    const text = out === process.stdout ? batch.join('') : Buffer.concat(batch as Buffer[]);
    batch = [];
    if (out === process.stdout && outputClosed) return;
    // Lines already on their way after a pause must not add a listener each.
    if (!out.write(text) && !awaitingDrain) {
      awaitingDrain = true;
      run?.pause();
      out.once('drain', () => {
        awaitingDrain = false;
        run?.resume();
      });
    }
  };
  // `remora strace app | head`: the reader is gone, which is a stop, not a failure.
  const unwatchOutput = onStdoutClosed(() => {
    outputClosed = true;
    stop();
  });
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);

  let timer: NodeJS.Timeout | undefined;
  try {
    run = await raceWatch(
      watch,
      startTrace(
        context.session,
        // In a --from-start stand-in: the program-to-be, remora-hold's child, waiting to be traced.
        { pids: fromStart ? [await waitingProgramPid(context.session)] : pids, expressions: options.expr, summary: options.summary },
        (piece) => {
          if (isStraceNotice(piece)) {
            // A refused attach is said by remora, with who holds it (onUntraced, or the error).
            if (!options.quiet && !refusedAttach(piece.text))
              process.stderr.write(`${terminalSafe(piece.text, { alreadyEscaped: true })}\n`);
            return;
          }
          if (beforeExecve) {
            if (!/^(\[pid +\d+\] )?execve\(/.test(piece.text)) return;
            beforeExecve = false;
          }
          if (out === process.stdout && outputClosed) return;
          // Unlike exec's output, these lines are a report on the target (as ps is), so what
          // the target controls in them (names, paths strace did not escape) is escaped on
          // stdout, in strace's own escape language; -o FILE gets strace's text as it is.
          batch.push(
            out === process.stdout ? `${terminalSafe(piece.text, { alreadyEscaped: true })}\n` : encodeTargetText(`${piece.text}\n`),
          );
          if (batch.length === 1) setImmediate(flush);
        },
        (task) => process.stderr.write(`remora: ${terminalSafe(describeUntraced(task))}\n`),
      ),
    );
    // A signal that came while strace was starting.
    if (stopRequested) void run.stop();
    if (durationMs !== undefined) timer = setTimeout(stop, durationMs);
    if (!fromStart) {
      await (watch ? Promise.race([run.done, watch.ended]) : run.done);
      // A trace that left some out (each said as found) is not the whole trace asked for.
      if (run.untraced.length > 0) {
        process.stderr.write(`remora: ${describeLeftOut(run.untraced)}\n`);
        return EXIT.FAILED;
      }
      return EXIT.OK;
    }
    // The program's end ends the stand-in and, with its PID namespace, strace: that is no failure.
    const stopped = run.done.then(
      () => stopRequested,
      () => stopRequested,
    );
    const status = await Promise.race([
      settleFromStart(run, fromStart.exited),
      stopped.then((byUser) => (byUser ? undefined : new Promise<number>(() => undefined))),
    ]);
    if (status === undefined) return signalled ? exitStatusOfSignal('SIGINT') : EXIT.OK;
    return status;
  } catch (error) {
    run?.abandon();
    throw watch ? await watch.explain(error) : error;
  } finally {
    flush();
    if (timer) clearTimeout(timer);
    for (const signal of signals) process.off(signal, onSignal);
    unwatchOutput();
    if (file) await new Promise<void>((resolve) => file!.end(() => resolve()));
  }
}

/** The start of a trace (probe, exec), cut short when the target or toolkit dies meanwhile. */
async function raceWatch<T>(watch: SessionWatch | undefined, start: Promise<T>): Promise<T> {
  return watch ? Promise.race([start, watch.ended]) : start;
}
