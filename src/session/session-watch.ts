// Watches a command's target and toolkit while the command runs. When either dies the
// engine does not close the command's exec stream (plain `docker exec` hangs the same way),
// so without this a `ps`, `exec`, `strace` or `shell` would wait forever. The engine's
// event stream, filtered to the two containers, says when; the command then ends with one
// line: "target app exited (code 137)" or "the toolkit session of app ended".
import { StringDecoder } from 'node:string_decoder';
import { RemoraError } from '../core/errors.js';
import { signalOfExitStatus } from '../core/exit-status.js';
import type { Engine } from '../engine/types.js';
import type { ToolkitSession } from './toolkit-session.js';

export interface SessionWatch extends Disposable {
  /** Aborted, with the RemoraError as its reason, when the target or the toolkit dies. */
  signal: AbortSignal;
  /** Rejects with that error; never resolves. For Promise.race against a command. */
  ended: Promise<never>;
  /**
   * The reason a command failed, when it failed because its target or toolkit died: the
   * exec can end (killed, exit 137) a moment before the engine reports the death, so a
   * failure that looks like a kill waits a little for the event. Else the error itself.
   */
  explain(error: unknown): Promise<unknown>;
  /**
   * A finished command's status, or (thrown) why it ended when its status is a kill that
   * came from its target or toolkit dying: the stream did close that time, and the user
   * gets the same line as when it hangs.
   */
  statusOf(exitCode: number): Promise<number>;
  stop(): void;
}

/** A failure that looks like a kill, with both containers still running: when to look again. */
const EXPLAIN_RECHECK_MS = 300;
/** Once a death is seen, how long the verdict (target or toolkit) may take. */
const EXPLAIN_GRACE_MS = 2000;
/** When a still-running command checks for a death that came before the event stream. */
const CATCH_UP_DELAY_MS = 1000;
/**
 * After the toolkit's death, how long the target's own death may take to be recorded (its
 * event usually ends the wait first; on a loaded engine it came later than 500 ms).
 */
const TARGET_EVENT_GRACE_MS = 2000;
const TARGET_RECHECK_MS = 250;
/**
 * How long a command runs before its event stream is opened: most commands (a warm
 * `exec -- true`, `ps`) are over by then and never pay the request. A death before the
 * stream opens is caught as any other that comes before it (the catch-up look, statusOf).
 */
const OPEN_DELAY_MS = 500;

/** Container events that mean the container's processes are gone. */
const FATAL_ACTIONS = new Set(['die', 'destroy', 'oom']);

export function watchSession(engine: Engine, session: ToolkitSession): SessionWatch {
  const controller = new AbortController();
  let close: (() => void) | undefined;
  let lookLater: NodeJS.Timeout | undefined;
  let stopped = false;
  let rejectEnded: (error: RemoraError) => void = () => undefined;
  const ended = new Promise<never>((_, reject) => {
    rejectEnded = reject;
  });
  ended.catch(() => undefined);
  const targetId = session.target.id;
  const toolkitId = session.containerId;
  // In a stand-in: the original it stands in for, whose removal ends the command too.
  const source = session.target.postMortem?.source;
  const originalId = source?.kind === 'container' ? source.id : undefined;

  const finish = (error: RemoraError): void => {
    if (stopped || controller.signal.aborted) return;
    controller.abort(error);
    rejectEnded(error);
    clearTimeout(lookLater);
    close?.();
  };

  // The toolkit dies with its target (it lives in the target's PID namespace), and its
  // event can come first, before the engine has even recorded the target's end: the
  // target's state, or its own event within a moment, decides which of the two to report.
  let toolkitGone = false;
  const decide = async (toolkitDied: boolean, targetCode?: number): Promise<void> => {
    if (!toolkitDied) return finish(targetExited(session.target.name, targetCode));
    if (toolkitGone) return;
    toolkitGone = true;
    for (let waited = 0; waited <= TARGET_EVENT_GRACE_MS; waited += TARGET_RECHECK_MS) {
      if (waited) await new Promise((resolve) => setTimeout(resolve, TARGET_RECHECK_MS).unref());
      if (controller.signal.aborted) return;
      const target = await engine.inspectContainer(targetId).catch(() => undefined);
      if (!target || !target.state.running) return finish(targetExited(session.target.name, target?.state.exitCode));
    }
    finish(sessionEnded(session.target.name));
  };

  const onEvent = (raw: {
    Action?: string;
    status?: string;
    id?: string;
    Actor?: { ID?: string; Attributes?: Record<string, string> };
  }): void => {
    const action = (raw.Action ?? raw.status ?? '').split(':')[0] ?? '';
    if (!FATAL_ACTIONS.has(action)) return;
    const id = raw.Actor?.ID ?? raw.id;
    if (id === originalId) {
      if (action === 'destroy') finish(originalRemoved(session.target.name));
      return;
    }
    const code = Number(raw.Actor?.Attributes?.exitCode);
    if (id === targetId) void decide(false, Number.isInteger(code) ? code : undefined);
    else if (id === toolkitId) void decide(true);
  };

  const openStream = async (): Promise<void> => {
    try {
      const watched = originalId ? [targetId, toolkitId, originalId] : [targetId, toolkitId];
      const events = await engine.events({ container: watched, type: ['container'] });
      if (stopped) return events.close();
      close = events.close;
      // One JSON object per line (labels in them may be any UTF-8).
      const decoder = new StringDecoder('utf8');
      let buffered = '';
      events.stream.on('data', (chunk: Buffer) => {
        buffered += decoder.write(chunk);
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          try {
            if (line.trim()) onEvent(JSON.parse(line));
          } catch {
            // Not an event.
          }
        }
      });
      events.stream.on('error', () => undefined);
      // Either may have died before the stream was open: one look closes that gap, taken
      // only by a command still running a moment later (a quick one pays nothing for it).
      lookLater = setTimeout(() => {
        void Promise.all([
          engine.inspectContainer(targetId).catch(() => undefined),
          engine.inspectContainer(toolkitId).catch(() => undefined),
          originalId
            ? engine.inspectContainer(originalId).then(
                () => true,
                (error: unknown) => !(error instanceof RemoraError && error.code === 'TARGET_NOT_FOUND'),
              )
            : true,
        ]).then(([target, toolkit, originalThere]) => {
          if (stopped) return;
          if (!originalThere) finish(originalRemoved(session.target.name));
          else if (!target?.state.running) void decide(false, target?.state.exitCode);
          else if (!toolkit?.state.running) void decide(true);
        });
      }, CATCH_UP_DELAY_MS).unref();
    } catch {
      // No event stream (an engine without one): the command runs unwatched, as before.
    }
  };
  const opening = setTimeout(() => void openStream(), OPEN_DELAY_MS).unref();

  const stop = (): void => {
    stopped = true;
    clearTimeout(opening);
    clearTimeout(lookLater);
    close?.();
  };
  /** Looks at both containers now; true when one of them is gone (and says so). */
  const lookNow = async (): Promise<boolean> => {
    const [target, toolkit] = await Promise.all([
      engine.inspectContainer(targetId).catch(() => undefined),
      engine.inspectContainer(toolkitId).catch(() => undefined),
    ]);
    if (!target?.state.running) void decide(false, target?.state.exitCode);
    else if (!toolkit?.state.running) void decide(true);
    else return false;
    return true;
  };
  const explain = async (error: unknown): Promise<unknown> => {
    if (controller.signal.aborted) return controller.signal.reason;
    if (!looksKilled(error)) return error;
    let timer: NodeJS.Timeout | undefined;
    const pause = (ms: number) =>
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ms);
      });
    try {
      // Both alive: look once more a moment later (the engine may not have recorded the
      // death yet); then, if one is gone, wait for the verdict (decide may inspect again).
      const gone = (await lookNow()) || (await Promise.race([pause(EXPLAIN_RECHECK_MS).then(lookNow), ended]));
      if (gone) await Promise.race([ended, pause(EXPLAIN_GRACE_MS)]);
      return error;
    } catch (reason) {
      return reason;
    } finally {
      clearTimeout(timer);
    }
  };
  const statusOf = async (exitCode: number): Promise<number> => {
    if (signalOfExitStatus(exitCode) === undefined) return exitCode;
    const explained = await explain({ exitCode });
    if (explained instanceof RemoraError) throw explained;
    return exitCode;
  };
  return { signal: controller.signal, ended, explain, statusOf, stop, [Symbol.dispose]: stop };
}

/** A failure that a dying namespace can cause: an exec killed (128 + signal) or cut off. */
function looksKilled(error: unknown): boolean {
  const exitCode = (error as { exitCode?: unknown }).exitCode;
  if (typeof exitCode === 'number') return signalOfExitStatus(exitCode) !== undefined || exitCode < 0;
  // A connection cut under the command is not a RemoraError.
  return (
    !(error instanceof RemoraError) ||
    error.code === 'EXEC_FAILED' ||
    error.code === 'TOOLKIT_COMMAND_FAILED' ||
    error.code === 'OPERATION_FAILED'
  );
}

export function targetExited(name: string, code: number | undefined): RemoraError {
  return new RemoraError('TARGET_EXITED', `target ${name} exited${code === undefined ? '' : ` (code ${code})`}`, {
    hint: `docker logs ${name} may say why`,
  });
}

/** The original of a stand-in was removed (docker rm) while a command ran in its stand-in. */
export function originalRemoved(name: string): RemoraError {
  return new RemoraError('TARGET_EXITED', `${name} was removed while remora was looking at its files: the command was ended`, {
    hint: 'its files went with it; what was copied out is all that is left',
  });
}

/** The toolkit is gone: ended while the command ran, or before it could start. */
export function sessionEnded(name: string, when: 'while' | 'before' = 'while'): RemoraError {
  const moment = when === 'while' ? 'while the command ran' : 'before the command started';
  return new RemoraError('SESSION_ENDED', `the toolkit session of ${name} ended (detached or stopped) ${moment}`, {
    hint: 'run the command again: it starts a new session',
  });
}
