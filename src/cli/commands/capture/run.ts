// `remora capture <target> [-i IFACE] [-c COUNT] [--duration D] [-s SNAPLEN] [-w FILE|-]
// [FILTER...]`: pcap of the target's traffic to a local file (complete and readable when
// remora stops: written under a temporary name, renamed at the end) or to stdout for
// `| wireshark -k -i -`. Runs in a toolkit of the capture profile: NET_RAW, NET_ADMIN and
// SETGID only, whatever --profile the other commands use.
import type { Writable } from 'node:stream';
import { positiveInteger } from '../../../core/capture-command.js';
import { EXIT, RemoraError } from '../../../core/errors.js';
import { startCapture, type CaptureRun } from '../../../ops/capture.js';
import { terminalSafe } from '../../../core/target-text.js';
import { openCaptureFile } from '../../../ops/capture-file.js';
import type { Engine } from '../../../engine/types.js';
import { watchTarget } from '../../../ops/watch-target.js';

/** How long the exec's stream may stay open after the target stopped. */
const STOPPED_GRACE_MS = 1500;
import { parseDuration } from '../../../core/duration.js';
import { openTargetSession } from '../../session-context.js';
import type { CaptureOptions } from './command.js';

interface Output {
  stream: Writable;
  /** Where the user finds it, for the last line. */
  name: string;
  /** Makes the file final (rename), cut to `length` if given, or removes it when nothing was captured. */
  finish(keep: boolean, length?: number): Promise<void>;
}

async function openOutput(path: string | undefined): Promise<Output> {
  if (path === undefined || path === '-') {
    if (path === undefined && process.stdout.isTTY) {
      throw new RemoraError('USAGE', 'pcap is binary and stdout is a terminal', {
        hint: 'write it to a file with -w FILE, or pipe it: remora capture app -w - | wireshark -k -i -',
      });
    }
    return { stream: process.stdout, name: 'stdout', finish: async () => undefined };
  }
  const file = await openCaptureFile(path);
  return { stream: file.stream, name: path, finish: file.finish };
}

function plural(n: number): string {
  return `${n} packet${n === 1 ? '' : 's'}`;
}

export async function captureCommand(query: string, filter: string[], options: CaptureOptions): Promise<number> {
  const request = {
    interface: options.interface,
    count: positiveInteger(options.count, '-c'),
    snaplen: positiveInteger(options.snaplen, '-s'),
    filter,
  };
  const durationMs = options.duration === undefined ? undefined : parseDuration(options.duration) * 1000;
  const output = await openOutput(options.write);
  let captured = false;
  let cutTo: number | undefined;
  try {
    // Its own profile: nothing else gets the capture capabilities, and they get nothing else.
    await using context = await openTargetSession({ ...options, profile: 'capture' }, query);
    const { target } = context;
    // Lines quote the engine's words: shown, never acted on.
    const say = (line: string): void => void process.stderr.write(`remora: ${terminalSafe(line)}\n`);
    if (target.state.paused && !options.quiet) say(`${target.name} is paused: its kernel still sees traffic, so the capture runs`);

    let run: CaptureRun | undefined;
    let stopRequested = false;
    const stop = (): void => {
      stopRequested = true;
      run?.stop();
    };
    // A second Ctrl-C does not wait for tcpdump's goodbye: the stream is dropped, and the
    // file still ends at its last whole packet.
    const onSignal = (): void => {
      if (stopRequested) run?.abort();
      else stop();
    };
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const signal of signals) process.on(signal, onSignal);
    // `-w - | wireshark` closed by the reader: a stop, not a failure.
    const onStdoutError = (): void => stop();
    if (output.stream === process.stdout) process.stdout.on('error', onStdoutError);
    // The toolkit dies with its target; the exec's stream normally ends then, but dockerd
    // 20.10 can hold it open: after a grace period for the last bytes, drop it.
    let graceTimer: NodeJS.Timeout | undefined;
    const watch = watchTarget(context.engine, target.id, (event) => {
      if (event.kind === 'state' && event.state === 'stopped' && !graceTimer) graceTimer = setTimeout(() => run?.abort(), STOPPED_GRACE_MS);
    });
    const live = process.stderr.isTTY && !options.quiet;
    let ticker: NodeJS.Timeout | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      run = await startCapture(context.session, request, output.stream);
      if (stopRequested) run.stop();
      // The duration counts from the first moment tcpdump captures, not from the exec.
      let ended = false;
      if (durationMs !== undefined) {
        void run.started.then(() => {
          if (!ended) timer = setTimeout(stop, durationMs);
        });
      }
      void run.done.finally(() => (ended = true)).catch(() => undefined);
      if (live) ticker = setInterval(() => process.stderr.write(`\rremora: ${plural(run!.packets)}`), 250);
      const { packets, exitCode } = await run.done;
      if (live) process.stderr.write('\r\x1b[K');
      captured = true;
      cutTo = run.completeBytes;
      const asked = stopRequested || (request.count !== undefined && packets >= request.count);
      if (!asked) {
        // An end nobody asked for: the toolkit died with its target, or something failed.
        const targetStopped = await stoppedState(context.engine, target.id);
        if (targetStopped === undefined) {
          throw new RemoraError(
            'OPERATION_FAILED',
            `the capture ended unexpectedly (status ${exitCode}); ${plural(packets)} kept in ${output.name}`,
          );
        }
        say(`${target.name} stopped${targetStopped}; capture ended with ${plural(packets)} in ${output.name}`);
        return EXIT.TARGET;
      }
      if (!options.quiet) say(`${plural(packets)} captured to ${output.name}`);
      return EXIT.OK;
    } finally {
      if (ticker) clearInterval(ticker);
      if (timer) clearTimeout(timer);
      if (graceTimer) clearTimeout(graceTimer);
      watch.stop();
      for (const signal of signals) process.off(signal, onSignal);
      process.stdout.off('error', onStdoutError);
    }
  } finally {
    await output.finish(captured, cutTo);
  }
}

/**
 * " (exit code N)", or "" when the target is gone; undefined when it still runs. The engine
 * may end the exec's stream a moment before it records the target as stopped: asked a few
 * times, briefly.
 */
async function stoppedState(engine: Engine, targetId: string): Promise<string | undefined> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const details = await engine.inspectContainer(targetId);
      if (!details.state.running) return ` (exit code ${details.state.exitCode})`;
    } catch {
      return '';
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}
