// What most commands do first: reach the engine, list containers once, resolve the target,
// and open (or reuse) the toolkit session. Only the commands that start toolkits also sweep
// the stale ones (openSessionIn, startOneShotIn); listing commands never remove anything.
import { terminalSafe } from '../core/target-text.js';
import { LABEL } from '../core/labels.js';
import { profileByName } from '../core/profiles.js';
import { parseToolkitLimits } from '../core/toolkit-limits.js';
import { createEngine } from '../engine/create-engine.js';
import type { DockerEngine } from '../engine/docker-engine.js';
import type { ContainerDetails, ContainerSummary, ExecHandle } from '../engine/types.js';
import { defaultToolkitImage, isRemoraToolkitImage } from '../session/toolkit-image.js';
import { startOneShot } from '../session/one-shot.js';
import { findTarget, openSession, removeToolkits, staleToolkits, type Target, type ToolkitSession } from '../session/toolkit-session.js';
import { sharesContainerPidNamespace } from '../session/toolkit-spec.js';
import { parseDuration, type GlobalOptions } from './global-options.js';

export interface EngineContext extends AsyncDisposable {
  engine: DockerEngine;
  listing: ContainerSummary[];
  /** IDs of the stale toolkits in the listing (their target gone, or idle past their limit). */
  stale: ReadonlySet<string>;
  /** Starts removing the stale toolkits beside the command; disposing waits for it. Idempotent. */
  sweepStale(): void;
  /** The container named by `inspect`, inspected beside the listing (undefined if none). */
  inspected?: Promise<ContainerDetails | undefined>;
}

/**
 * Disposing waits for a sweep started by sweepStale(), then closes the engine's connections.
 * `inspect` names a target whose details the command will need whatever the listing says
 * (a new toolkit's spec): asked at the same time as the listing, not after it.
 */
export async function openEngineContext(globals: GlobalOptions, options: { inspect?: string } = {}): Promise<EngineContext> {
  const engine = createEngine(globals);
  const inspected = options.inspect === undefined ? undefined : engine.inspectContainer(options.inspect).catch(() => undefined);
  const listing = await engine.listContainers({ all: true });
  const stale = staleToolkits(listing, Date.now() / 1000).filter(sweepScope());
  let sweep: Promise<void> | undefined;
  return {
    engine,
    listing,
    stale: new Set(stale.map((c) => c.id)),
    inspected,
    sweepStale() {
      sweep ??= removeToolkits(engine, stale);
    },
    async [Symbol.asyncDispose]() {
      await sweep;
      engine.dispose();
    },
  };
}

export interface TargetSessionContext extends EngineContext, AsyncDisposable {
  target: Target;
  session: ToolkitSession;
}

export function toolkitImageFrom(globals: GlobalOptions): string {
  return globals.toolkitImage ?? process.env.REMORA_TOOLKIT_IMAGE ?? defaultToolkitImage();
}

/** Progress for long first-use steps goes to stderr, unless --quiet. */
export function sayOnStderr(globals: GlobalOptions): (line: string) => void {
  return (line: string) => {
    if (!globals.quiet) process.stderr.write(`remora: ${terminalSafe(line)}\n`);
  };
}

/** `say` replaces the stderr progress (the TUI shows it on its own screen). */
export async function openTargetSession(globals: GlobalOptions, query: string, options: { say?: (line: string) => void } = {}): Promise<TargetSessionContext> {
  const context = await openEngineContext(globals);
  const { target, session } = await openSessionIn(context, globals, query, options);
  return {
    ...context,
    target,
    session,
    async [Symbol.asyncDispose]() {
      await session[Symbol.asyncDispose]();
      await context[Symbol.asyncDispose]();
    },
  };
}

/**
 * Finds a target in the context's listing and opens (or reuses) its session, on that engine.
 * A command that starts toolkits removes the stale ones beside it.
 */
export async function openSessionIn(
  context: EngineContext,
  globals: GlobalOptions,
  query: string,
  options: { say?: (line: string) => void } = {},
): Promise<{ target: Target; session: ToolkitSession }> {
  const profile = profileByName(globals.profile);
  const idleSeconds = parseDuration(globals.idle);
  context.sweepStale();
  const target = await findTarget(context.engine, query, context.listing);
  const session = await openSession(context.engine, target, context.listing, {
    profile,
    image: toolkitImageFrom(globals),
    idleSeconds,
    limits: parseToolkitLimits(globals.toolkitMemory, globals.toolkitPids),
    ephemeral: globals.rm ?? false,
    shareIpc: globals.ipc ?? false,
    say: options.say ?? sayOnStderr(globals),
    extraLabels: testLabels(),
  });
  return { target, session };
}

/**
 * `--rm` with nothing to feed the command: CMD as a one-shot toolkit's own process (see
 * session/one-shot.ts), when the toolkit image is Remora's own (it has remora-run).
 * Undefined when it is not: the caller opens a session instead.
 */
export async function startOneShotIn(context: EngineContext, globals: GlobalOptions, query: string, command: { cmd: string[]; env?: string[] }): Promise<ExecHandle | undefined> {
  context.sweepStale();
  const image = toolkitImageFrom(globals);
  const [target, fits] = await Promise.all([findTarget(context.engine, query, context.listing, context.inspected), isRemoraToolkitImage(context.engine, image)]);
  // A target in another container's PID namespace needs its main process found first,
  // which the session's keeper does: one-shots are for the common case.
  if (!fits || sharesContainerPidNamespace(target.pidMode)) return undefined;
  return startOneShot(context.engine, target, {
    profile: profileByName(globals.profile),
    image,
    limits: parseToolkitLimits(globals.toolkitMemory, globals.toolkitPids),
    shareIpc: globals.ipc ?? false,
    say: sayOnStderr(globals),
    extraLabels: testLabels(),
    ...command,
  });
}

/**
 * Tests mark everything they make through REMORA_TEST_LABEL=<run id>, so they can remove
 * exactly their own toolkits afterwards and nothing else.
 */
export function testLabels(): Record<string, string> | undefined {
  const run = process.env.REMORA_TEST_LABEL;
  return run ? { [LABEL.test]: run } : undefined;
}

/**
 * Which stale toolkits this command may sweep: all of them for a user; under a test run,
 * only that run's, so tests never remove what they did not make.
 */
function sweepScope(): (toolkit: ContainerSummary) => boolean {
  const run = process.env.REMORA_TEST_LABEL;
  return run ? (toolkit) => toolkit.labels[LABEL.test] === run : () => true;
}
