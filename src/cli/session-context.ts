// What most commands do first: reach the engine, list containers once, resolve the target,
// sweep stale toolkits, and open (or reuse) the toolkit session. Shared by every command.
import { LABEL } from '../core/labels.js';
import { profileByName } from '../core/profiles.js';
import { parseToolkitLimits } from '../core/toolkit-limits.js';
import { createEngine } from '../engine/create-engine.js';
import type { DockerEngine } from '../engine/docker-engine.js';
import type { ContainerSummary } from '../engine/types.js';
import { defaultToolkitImage } from '../session/toolkit-image.js';
import { findTarget, openSession, removeToolkits, staleToolkits, type Target, type ToolkitSession } from '../session/toolkit-session.js';
import { parseDuration, type GlobalOptions } from './global-options.js';

export interface EngineContext extends AsyncDisposable {
  engine: DockerEngine;
  listing: ContainerSummary[];
  /** IDs of the stale toolkits in the listing, being removed beside the command. */
  stale: ReadonlySet<string>;
}

/** Disposing waits for the removal of the stale toolkits, then closes the engine's connections. */
export async function openEngineContext(globals: GlobalOptions): Promise<EngineContext> {
  const engine = createEngine(globals);
  const listing = await engine.listContainers({ all: true });
  const stale = staleToolkits(listing, Date.now() / 1000).filter(sweepScope());
  const sweep = removeToolkits(engine, stale);
  return {
    engine,
    listing,
    stale: new Set(stale.map((c) => c.id)),
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
    if (!globals.quiet) process.stderr.write(`remora: ${line}\n`);
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

/** Finds a target in the context's listing and opens (or reuses) its session, on that engine. */
export async function openSessionIn(
  context: EngineContext,
  globals: GlobalOptions,
  query: string,
  options: { say?: (line: string) => void } = {},
): Promise<{ target: Target; session: ToolkitSession }> {
  const profile = profileByName(globals.profile);
  const idleSeconds = parseDuration(globals.idle);
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
