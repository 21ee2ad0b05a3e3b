// What most commands do first: reach the engine, list containers once, resolve the target,
// and open (or reuse) the toolkit session. Only the commands that start toolkits also sweep
// the stale ones (openSessionIn, startOneShotIn); listing commands never remove anything.
import { terminalSafe } from '../core/target-text.js';
import { profileByName } from '../core/profiles.js';
import { parseToolkitLimits } from '../core/toolkit-limits.js';
import { createEngine } from '../engine/create-engine.js';
import { engineFailureOf } from '../engine/engine-errors.js';
import type { DockerEngine } from '../engine/docker-engine.js';
import type { ContainerDetails, ContainerSummary, ExecHandle } from '../engine/types.js';
import { describePostMortem, noProcessMessage, postMortemState } from '../core/post-mortem.js';
import { RemoraError } from '../core/errors.js';
import { explainNotUsable } from '../core/target-resolution.js';
import { sweepControlDirsOf } from '../session/control-dir.js';
import { startOneShot } from '../session/one-shot.js';
import {
  removeOrphanedStandInImages,
  removeOwnTemporaryImages,
  reusableStandIn,
  staleStandIns,
  startStandIn,
  type PostMortemTarget,
  type StandInOptions,
} from '../session/stand-in.js';
import { foreignArchitecture, lookUpProgramSource, lookUpTarget } from '../session/target-lookup.js';
import { defaultToolkitImage, ensureToolkitImage, isRemoraToolkitImage, toolkitImageIsReady } from '../session/toolkit-image.js';
import { findTarget, openSession, removeToolkits, staleToolkits, type Target, type ToolkitSession } from '../session/toolkit-session.js';
import { sharesContainerPidNamespace } from '../session/toolkit-spec.js';
import { parseDuration } from '../core/duration.js';
import type { EngineOptions, ImageOptions, SessionOptions } from './option-groups.js';
import { commitProgressOnStderr } from './progress.js';

export interface EngineContext extends AsyncDisposable {
  engine: DockerEngine;
  listing: ContainerSummary[];
  /** IDs of the stale toolkits in the listing (their target gone, or idle past their limit). */
  stale: ReadonlySet<string>;
  /** Starts removing the stale toolkits beside the command; disposing waits for it. Idempotent. */
  sweepStale(): void;
  /**
   * Starts removing the temporary images of stand-ins that a killed remora left; disposing
   * waits for it. Idempotent. Only commands that make a stand-in ask: it costs a request.
   */
  sweepOrphanedImages(): void;
  /** The container named by `inspect`, inspected beside the listing (undefined if none). */
  inspected?: Promise<ContainerDetails | undefined>;
}

/**
 * Disposing waits for the sweeps started, then closes the engine's connections.
 * `inspect` names a target whose details the command will need whatever the listing says
 * (a new toolkit's spec): asked at the same time as the listing, not after it.
 */
export async function openEngineContext(globals: EngineOptions, options: { inspect?: string } = {}): Promise<EngineContext> {
  const engine = createEngine(globals);
  const inspected = options.inspect === undefined ? undefined : engine.inspectContainer(options.inspect).catch(() => undefined);
  const listing = await engine.listContainers({ all: true });
  const now = Date.now() / 1000;
  const inScope = labelScope(engine.labels);
  const stale = [...staleToolkits(listing, now), ...staleStandIns(listing, now)].filter(inScope);
  let sweep: Promise<void> | undefined;
  let imageSweep: Promise<void> | undefined;
  const staleIds = new Set(stale.map((c) => c.id));
  return {
    engine,
    listing,
    stale: staleIds,
    inspected,
    sweepStale() {
      if (sweep) return;
      sweep = removeToolkits(engine, stale);
      sweepControlDirsOf(engine, listing, staleIds);
    },
    sweepOrphanedImages() {
      imageSweep ??= removeOrphanedStandInImages(engine, (labels) => inScope({ labels })).catch(() => undefined);
    },
    async [Symbol.asyncDispose]() {
      await Promise.all([sweep, imageSweep]);
      engine.dispose();
    },
  };
}

export interface TargetSessionContext extends EngineContext, AsyncDisposable {
  target: Target;
  session: ToolkitSession;
}

export function toolkitImageFrom(globals: Pick<ImageOptions, 'toolkitImage'>): string {
  // An empty variable counts as unset, as the docker CLI reads DOCKER_HOST.
  return globals.toolkitImage ?? (process.env.REMORA_TOOLKIT_IMAGE || defaultToolkitImage());
}

/** Progress for long first-use steps goes to stderr, unless --quiet. */
export function sayOnStderr(globals: Pick<ImageOptions, 'quiet'>): (line: string) => void {
  // On a terminal, over a progress line being redrawn (a commit's), if one is shown.
  const clear = process.stderr.isTTY ? '\r\x1b[K' : '';
  return (line: string) => {
    if (!globals.quiet) process.stderr.write(`${clear}remora: ${terminalSafe(line)}\n`);
  };
}

export interface TargetSessionOptions {
  /** Replaces the stderr progress (the TUI shows it on its own screen). */
  say?: (line: string) => void;
  /**
   * The command needs a running process (ps, proc, net, strace): a target without one is
   * refused before any stand-in is made.
   */
  needsProcess?: boolean;
  /** The command writes into the target (cp in): refused for a stand-in, whose writes nobody would see. */
  writes?: boolean;
}

export async function openTargetSession(
  globals: SessionOptions,
  query: string,
  options: TargetSessionOptions = {},
): Promise<TargetSessionContext> {
  const context = await openEngineContext(globals);
  let opened;
  try {
    opened = await openSessionIn(context, globals, query, options);
  } catch (error) {
    await context[Symbol.asyncDispose]();
    throw error;
  }
  const { target, session } = opened;
  const standIn = standInOf(context, opened);
  return {
    ...context,
    target,
    session,
    async [Symbol.asyncDispose]() {
      await session[Symbol.asyncDispose]();
      await standIn[Symbol.asyncDispose]();
      await context[Symbol.asyncDispose]();
    },
  };
}

/** Disposed after the session: a stand-in made for a --rm command goes with it (its holder would end it soon anyway). */
export function standInOf(
  context: EngineContext,
  opened: { target: Target; session: ToolkitSession; madeStandIn: boolean },
): AsyncDisposable {
  return {
    async [Symbol.asyncDispose]() {
      if (!opened.session.ephemeral || !opened.madeStandIn) return;
      await context.engine.removeContainer(opened.target.id).catch(() => undefined);
      const source = opened.target.postMortem?.source;
      if (source?.kind === 'container') await removeOwnTemporaryImages(context.engine, source.id, opened.target.id);
    },
  };
}

/**
 * Finds a target in the context's listing and opens (or reuses) its session, on that engine.
 * A command that starts toolkits removes the stale ones beside it.
 */
export async function openSessionIn(
  context: EngineContext,
  globals: SessionOptions,
  query: string,
  options: TargetSessionOptions = {},
): Promise<{ target: Target; session: ToolkitSession; madeStandIn: boolean }> {
  const profile = profileByName(globals.profile);
  const idleSeconds = parseDuration(globals.idle);
  context.sweepStale();
  const say = options.say ?? sayOnStderr(globals);
  const found = await lookUpTarget(context.engine, query, context.listing);
  let target: Target;
  let madeStandIn = false;
  if (found.kind === 'live') {
    target = found.target;
  } else {
    refusePostMortem(found.postMortem, options);
    const foreign = await foreignArchitecture(context.engine, found.postMortem);
    // Its files can still be read: the stand-in's PID 1 and the tools are the toolkit's.
    if (foreign)
      say(
        `${found.postMortem.source.name} is built for ${foreign.image} and the engine runs ${foreign.engine}: its files are shown, its programs cannot run here`,
      );
    // The TUI (its own say) shows the commit as one line; stderr as a line redrawn each second.
    const onCommit = options.say ? undefined : commitProgressOnStderr(globals);
    ({ target, made: madeStandIn } = await standInTarget(context, globals, found.postMortem, say, onCommit));
    say(`${target.name}: ${target.postMortem?.description ?? ''}`);
  }
  try {
    const session = await openSession(context.engine, target, context.listing, {
      profile,
      image: toolkitImageFrom(globals),
      idleSeconds,
      limits: parseToolkitLimits(globals.toolkitMemory, globals.toolkitPids),
      ephemeral: globals.rm ?? false,
      shareIpc: globals.ipc ?? false,
      say,
    });
    return { target, session, madeStandIn };
  } catch (error) {
    if (madeStandIn) await context.engine.removeContainer(target.id).catch(() => undefined);
    throw await explainRestarting(context.engine, error, target);
  }
}

function refusePostMortem(postMortem: PostMortemTarget, options: TargetSessionOptions): void {
  const { source } = postMortem;
  if (options.needsProcess) {
    const { message, hint } = noProcessMessage(source, Date.now());
    throw new RemoraError('TARGET_NOT_RUNNING', message, { hint });
  }
  if (options.writes) {
    const state = postMortemState(source, Date.now());
    throw new RemoraError(
      'TARGET_NOT_RUNNING',
      `${source.name} ${source.kind === 'image' ? 'is ' : ''}${state}: remora copies only into running containers (a copy would land in a throwaway stand-in)`,
      {
        hint:
          source.kind === 'image'
            ? 'build a new image with the file instead'
            : `docker cp writes into a stopped container's own files: docker cp SRC ${source.name}:PATH; or start it first`,
      },
    );
  }
}

/** Reuses the running stand-in of the same original, or makes one. */
async function standInTarget(
  context: EngineContext,
  globals: SessionOptions,
  postMortem: PostMortemTarget,
  say: (line: string) => void,
  onCommit: StandInOptions['onCommit'],
): Promise<{ target: Target; made: boolean }> {
  const existing = reusableStandIn(context.listing, postMortem);
  let id = existing?.id;
  const description = describePostMortem(postMortem.source, Date.now());
  if (!id) {
    context.sweepOrphanedImages();
    const image = toolkitImageFrom(globals);
    if (!(await toolkitImageIsReady(context.engine, image))) await ensureToolkitImage({ engine: context.engine, image, say });
    id = (
      await startStandIn(context.engine, postMortem, {
        toolkitImage: image,
        rwVolumes: globals.rwVolumes ?? false,
        say,
        onCommit,
      })
    ).id;
  }
  return {
    made: !existing,
    target: standInAsTarget(id, postMortem, description),
  };
}

/** A running stand-in, as the target its session joins (its holder is PID 1 of its own namespace). */
function standInAsTarget(id: string, postMortem: PostMortemTarget, description: string): Target {
  return {
    id,
    name: postMortem.source.name,
    image: postMortem.image,
    state: { status: 'running', running: true, paused: false },
    pidMode: '',
    rootPid: 1,
    labels: {},
    postMortem: { source: postMortem.source, description },
  };
}

/**
 * `--rm` with nothing to feed the command: CMD as a one-shot toolkit's own process (see
 * session/one-shot.ts), when the toolkit image is Remora's own (it has remora-run).
 * Undefined when it is not: the caller opens a session instead.
 */
export async function startOneShotIn(
  context: EngineContext,
  globals: SessionOptions,
  query: string,
  command: { cmd: string[]; env?: string[] },
): Promise<ExecHandle | undefined> {
  context.sweepStale();
  const image = toolkitImageFrom(globals);
  const [target, fits] = await Promise.all([
    findTarget(context.engine, query, context.listing, context.inspected).catch((error: unknown) => {
      if (error instanceof RemoraError && (error.code === 'TARGET_NOT_FOUND' || error.code === 'TARGET_NOT_RUNNING')) return undefined;
      throw error;
    }),
    isRemoraToolkitImage(context.engine, image),
  ]);
  // The session path takes the rest: a stopped container or an image (debugged from a
  // stand-in), and a target in another container's PID namespace (whose main process the
  // keeper finds first). One-shots are for the common case.
  if (!fits || !target?.state.running || sharesContainerPidNamespace(target.pidMode)) return undefined;
  return startOneShot(context.engine, target, {
    profile: profileByName(globals.profile),
    image,
    limits: parseToolkitLimits(globals.toolkitMemory, globals.toolkitPids),
    shareIpc: globals.ipc ?? false,
    say: sayOnStderr(globals),
    ...command,
  }).catch(async (error: unknown) => {
    throw await explainRestarting(context.engine, error, target);
  });
}

/**
 * A crash-looping target listed as running, then restarting when the toolkit joins it: the
 * engine refusing it as restarting (CONTAINER_RESTARTING) said as for one listed
 * restarting (what it is, and `strace --from-start`).
 */
async function explainRestarting(engine: DockerEngine, error: unknown, target: Target): Promise<unknown> {
  if (engineFailureOf(error) !== 'CONTAINER_RESTARTING') return error;
  const details = await engine.inspectContainer(target.id).catch(() => undefined);
  const status = details ? `Restarting (${details.state.exitCode}), ${details.restartCount} restarts` : 'Restarting';
  return explainNotUsable({ ...target, state: 'restarting', status });
}

/**
 * Whether a container carries all of the user's REMORA_LABELS (all do when none are set):
 * what a sweep or `detach --all` may remove, so a CI run never ends another run's sessions.
 */
export function labelScope(labels: Readonly<Record<string, string>>): (labelled: Pick<ContainerSummary, 'labels'>) => boolean {
  const wanted = Object.entries(labels);
  return (labelled) => wanted.every(([key, value]) => labelled.labels[key] === value);
}

export interface FromStartContext extends TargetSessionContext {
  /** The program the stand-in runs once traced (what docker would run). */
  program: string[];
  /** Resolves with the program's exit status (128 + signal when killed). */
  exited: Promise<number>;
}

/**
 * `strace --from-start`: a fresh stand-in of the target that runs its entrypoint and
 * command (or `command`) with its env, user, working directory and volumes, once a tracer
 * has attached to its PID 2; and a toolkit session of this command alone in it. Disposing
 * removes both, whether the program has ended or not.
 */
export async function openFromStartSession(globals: SessionOptions, query: string, command: string[]): Promise<FromStartContext> {
  const context = await openEngineContext(globals);
  const say = sayOnStderr(globals);
  let standInId: string | undefined;
  try {
    const postMortem = await lookUpProgramSource(context.engine, query, context.listing);
    const foreign = await foreignArchitecture(context.engine, postMortem);
    if (foreign) {
      throw new RemoraError(
        'OPERATION_FAILED',
        `${postMortem.source.name} is built for ${foreign.image} and the engine runs ${foreign.engine}: its program cannot run here (exec format error)`,
        {
          hint: `remora entrypoint ${query} checks it; rebuild it for linux/${foreign.engine} (docker build --platform linux/${foreign.engine})`,
        },
      );
    }
    const program = command.length ? command : [...postMortem.config.entrypoint, ...postMortem.config.cmd];
    if (program.length === 0) {
      throw new RemoraError('USAGE', `${postMortem.source.name} has no entrypoint or command to run`, {
        hint: `give one after --: remora strace --from-start ${query} -- /app --flag`,
      });
    }
    const image = toolkitImageFrom(globals);
    if (!(await toolkitImageIsReady(context.engine, image))) await ensureToolkitImage({ engine: context.engine, image, say });
    // The program runs with the original's network (a run without it would fail differently);
    // a network namespace borrowed from another container may be gone, so none then.
    const network = postMortem.networkMode.startsWith('container:') ? 'none' : postMortem.networkMode || undefined;
    context.sweepOrphanedImages();
    const standIn = await startStandIn(context.engine, postMortem, {
      toolkitImage: image,
      rwVolumes: globals.rwVolumes ?? false,
      say,
      onCommit: commitProgressOnStderr(globals),
      runWhenTraced: program,
      ...(network ? { networkMode: network } : {}),
    });
    standInId = standIn.id;
    const exited = context.engine.waitContainer(standIn.id, 'not-running').then((wait) => wait.exitCode);
    exited.catch(() => undefined);
    const target = standInAsTarget(standIn.id, postMortem, standIn.description);
    const session = await openSession(context.engine, target, context.listing, {
      profile: profileByName(globals.profile),
      image,
      idleSeconds: parseDuration(globals.idle),
      limits: parseToolkitLimits(globals.toolkitMemory, globals.toolkitPids),
      ephemeral: true,
      shareIpc: false,
      say,
    });
    const id = standIn.id;
    return {
      ...context,
      target,
      session,
      program,
      exited,
      async [Symbol.asyncDispose]() {
        await session[Symbol.asyncDispose]();
        await context.engine.removeContainer(id).catch(() => undefined);
        if (postMortem.source.kind === 'container') await removeOwnTemporaryImages(context.engine, postMortem.source.id, id);
        await context[Symbol.asyncDispose]();
      },
    };
  } catch (error) {
    if (standInId) await context.engine.removeContainer(standInId).catch(() => undefined);
    await context[Symbol.asyncDispose]();
    throw error;
  }
}
