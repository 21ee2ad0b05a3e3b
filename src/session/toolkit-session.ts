// Toolkit sessions: find the one for (target, profile) or start it, run commands in it,
// sweep the stale ones, end them on request. One container listing serves target
// resolution, session lookup and the sweep, so a warm command costs few round trips; on
// an engine of this host, a shared session's commands skip the engine's exec too, run by
// its control server (control-exec.ts).
import { hostname, userInfo } from 'node:os';
import type { Readable } from 'node:stream';
import { RemoraError } from '../core/errors.js';
import { LABEL, ROLE_TOOLKIT } from '../core/labels.js';
import { randomSuffix } from '../core/fingerprint.js';
import type { PostMortemSource } from '../core/post-mortem.js';
import type { Profile } from '../core/profiles.js';
import { resolveTarget } from '../core/target-resolution.js';
import { decodeTargetBytes } from '../core/target-text.js';
import type { ToolkitLimits } from '../core/toolkit-limits.js';
import { REMORA_VERSION } from '../core/version.js';
import { engineFailureOf } from '../engine/engine-errors.js';
import { readAllBytes } from '../engine/http-client.js';
import type {
  ContainerDetails,
  ContainerSpec,
  ContainerState,
  ContainerSummary,
  Engine,
  ExecHandle,
  ExecOptions,
  PathStat,
  ProgressHandler,
  ReusableChunks,
  StdinHold,
} from '../engine/types.js';
import { sessionEnded, targetExited, watchSession, type SessionWatch } from './session-watch.js';
import { buildToolkitSpec, targetRootPid } from './toolkit-spec.js';
import { ensureToolkitImage, isRemoraToolkitImage, toolkitImageIsReady } from './toolkit-image.js';
import { scriptCommand, scriptExec, SERVER_PID_FILE } from '../toolkit-scripts/scripts.js';
import {
  claimServerStart,
  CONTROL_MOUNT,
  controlOf,
  controlSocketOf,
  localControlBase,
  makeControlDir,
  removeControlDir,
  type SessionControl,
} from './control-dir.js';
import { controlCanRun, execThroughControl, stopControlCommands } from './control-exec.js';

/**
 * The resolved target a toolkit session joins: a running container, or the stand-in of one
 * with no process (then `postMortem` says what it stands in for). The TUI inspects it for the rest.
 */
export interface Target {
  id: string;
  name: string;
  image: string;
  state: { status: ContainerState; running: boolean; paused: boolean };
  pidMode: string;
  /** The PID, as the toolkit sees it, whose root is the target's root (see targetRootPid). */
  rootPid: number;
  labels: Record<string, string>;
  /** Set when the session runs in a stand-in (the target has no process): what it stands in for. */
  postMortem?: { source: PostMortemSource; description: string };
}

export interface SessionOptions {
  profile: Profile;
  image: string;
  idleSeconds: number;
  limits: ToolkitLimits;
  /** `--rm`: a session of this command's own, ended with it even if remora is killed. */
  ephemeral: boolean;
  shareIpc: boolean;
  say: ProgressHandler;
}

/** remora-serve, as the toolkit image installs it, with its directory and pid file (keeper.sh reads it). */
const SERVER_COMMAND = ['/opt/remora/bin/remora-serve', CONTROL_MOUNT, SERVER_PID_FILE];

export interface SessionExecOptions extends ExecOptions {
  /** Start in this directory of the target (absolute), under /target in the toolkit. */
  targetDir?: string;
}

export class ToolkitSession implements AsyncDisposable {
  constructor(
    private readonly engine: Engine,
    readonly containerId: string,
    readonly target: Target,
    readonly profile: Profile,
    /** The toolkit image it runs, as the user named it (for messages about missing tools). */
    readonly image: string,
    private readonly hold: StdinHold | undefined,
    /** Its control socket's host directory (control-dir.ts), when it has one. */
    private readonly control?: SessionControl,
  ) {}

  /** The server's start, asked for by this command (see requestServer): awaited before remora leaves. */
  private serverStart: Promise<void> | undefined;
  private execsSeen = false;

  /** Where the target's root filesystem is, inside the toolkit. */
  get targetRoot(): string {
    return `/proc/${this.target.rootPid}/root`;
  }

  get ephemeral(): boolean {
    return this.hold !== undefined;
  }

  async exec(options: SessionExecOptions): Promise<ExecHandle> {
    const { targetDir, ...execOptions } = options;
    // Every command starts in exec-wrapper.sh, which marks the session as used, enters
    // targetDir (none: '') and becomes the command.
    const wrapped = { ...execOptions, cmd: scriptCommand('exec-wrapper', [targetDir ?? '', ...options.cmd]) };
    // A session this command made has no server yet, and may never need one: its first
    // command goes to the engine without asking for one (a cold `exec` pays nothing).
    const firstOfFresh = this.control?.fresh === true && !this.execsSeen;
    this.execsSeen = true;
    if (this.control && !firstOfFresh && controlCanRun(wrapped)) {
      const handle = await execThroughControl(controlSocketOf(this.control.dir), wrapped);
      if (handle) return handle;
      this.requestServer(this.control.dir);
    }
    try {
      return await this.engine.exec(this.containerId, wrapped);
    } catch (error) {
      throw await this.explainExecRefusal(error);
    }
  }

  /**
   * Starts the session's control server (remora-serve) beside this command, the first
   * time a command finds none: not with the session, so a session used once never pays
   * for it. A detached exec, so that the engine's shim is its parent and reaps it: a child
   * of the keeper would be left a zombie in the target's PID namespace when the toolkit
   * is removed. One request a session (claimServerStart), whatever becomes of it.
   */
  private requestServer(dir: string): void {
    if (this.serverStart !== undefined || !claimServerStart(dir)) return;
    this.serverStart = this.engine.execDetached(this.containerId, SERVER_COMMAND).catch(() => undefined);
  }

  /**
   * An exec refused because the toolkit is gone or stopped (detached, idled out, or dead
   * with its target since the listing): the session or the target ended, which is what the
   * user is told; "no container named <toolkit ID>" would name nothing they asked for.
   */
  private async explainExecRefusal(error: unknown): Promise<unknown> {
    const failure = engineFailureOf(error);
    if (failure !== 'CONTAINER_NOT_FOUND' && failure !== 'CONTAINER_NOT_RUNNING') return error;
    const target = await this.engine.inspectContainer(this.target.id).catch(() => undefined);
    if (!target?.state.running) return targetExited(this.target.name, target?.state.exitCode);
    return sessionEnded(this.target.name, 'before');
  }

  /**
   * Runs a command to completion and collects its output (for small outputs only). An
   * abort (a view that moved on, a timeout) closes the exec's stream and rejects with the
   * signal's reason; the command itself is not waited for.
   */
  async run(
    cmd: string[],
    options: Omit<ExecOptions, 'cmd'> & {
      signal?: AbortSignal;
      /**
       * Says whether the output is one the command writes only on success (its whole
       * answer): then its status is not asked for. Over ssh, that question waits ~50 ms
       * for a connection of its own.
       */
      succeeded?: (stdout: Buffer) => boolean;
    } = {},
  ): Promise<{ exitCode: number; stdout: Buffer; stderr: string }> {
    const { signal, succeeded, ...execOptions } = options;
    signal?.throwIfAborted();
    const handle = await this.exec({ ...execOptions, cmd });
    const abort = (): void => handle.close();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      const [stdout, stderr] = await Promise.all([readAllBytes(handle.stdout), readAllBytes(handle.stderr)]);
      signal?.throwIfAborted();
      // Bytes that are not UTF-8 (a path it names) are kept, to be shown escaped.
      if (succeeded?.(stdout)) {
        handle.detach();
        return { exitCode: 0, stdout, stderr: decodeTargetBytes(stderr) };
      }
      return { exitCode: await handle.exitCode, stdout, stderr: decodeTargetBytes(stderr) };
    } catch (error) {
      signal?.throwIfAborted();
      throw error;
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  /** The target as the engine sees it (its mounts, --read-only): what the archive route asks (core/copy-route.ts). */
  inspectTarget(): Promise<ContainerDetails> {
    return this.engine.inspectContainer(this.target.id);
  }

  /** What the engine's archive API sees at a path of the target (no exec; null when it sees nothing). */
  statInTarget(path: string): Promise<PathStat | null> {
    return this.engine.statPath(this.target.id, path);
  }

  /** A tar stream written into the target's own files by the engine (docker cp's way in), at an existing directory. */
  putIntoTarget(dir: string, tar: Readable): Promise<void> {
    return this.engine.putArchive(this.target.id, dir, tar);
  }

  /** A large file of the target as a tar stream read by the engine (docker cp's way out). */
  getFromTarget(path: string, signal?: AbortSignal): Promise<Readable & Partial<ReusableChunks>> {
    return this.engine.getArchive(this.target.id, path, { large: true, signal });
  }

  /** The same session, its target's main process known (see findRootPid). */
  withRootPid(rootPid: number): ToolkitSession {
    return new ToolkitSession(
      this.engine,
      this.containerId,
      { ...this.target, rootPid },
      this.profile,
      this.image,
      this.hold,
      this.control,
    );
  }

  /** Watches the target and this toolkit while a command runs (see session-watch.ts). */
  watch(): SessionWatch {
    return watchSession(this.engine, this);
  }

  /** Ends the session now (detach, or the end of a `--rm` command). */
  async end(): Promise<void> {
    this.hold?.release();
    await this.engine.removeContainer(this.containerId);
  }

  /** An ephemeral session ends with its command; a shared one is left to its idle timer. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.ephemeral) await this.end();
    else await this.serverStart;
  }
}

export function createdBy(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry for this uid (containers, CI): the number will do.
    user = String(process.getuid?.() ?? 'unknown');
  }
  return `${user}@${hostname()}`;
}

export function isToolkit(container: ContainerSummary): boolean {
  return container.labels[LABEL.role] === ROLE_TOOLKIT;
}

/**
 * Resolves the target from one listing, and inspects it only if the listing is not enough
 * (`inspected`: the query's details asked for beside the listing, used if they are the match's).
 */
export async function findTarget(
  engine: Engine,
  query: string,
  listing: ContainerSummary[],
  inspected?: Promise<ContainerDetails | undefined>,
): Promise<Target> {
  const match = resolveTarget(query, listing);
  const fromListing = targetFromListing(match, listing);
  if (fromListing) return fromListing;
  const early = await inspected;
  return toTarget(early?.id === match.id ? early : await engine.inspectContainer(match.id));
}

/**
 * A running target that already has a toolkit needs no inspect (a round trip and a few ms
 * of JSON on every warm command): the listing has its state, the toolkit's label its root.
 */
export function targetFromListing(match: ContainerSummary, listing: ContainerSummary[]): Target | undefined {
  if (match.state !== 'running' && match.state !== 'paused') return undefined;
  const toolkit = listing.find(
    (c) => isToolkit(c) && c.state === 'running' && c.labels[LABEL.target] === match.id && c.labels[LABEL.targetRootPid] !== undefined,
  );
  const rootPid = Number(toolkit?.labels[LABEL.targetRootPid]);
  if (!Number.isInteger(rootPid) || rootPid < 1) return undefined;
  return {
    id: match.id,
    name: match.name,
    image: match.image,
    state: { status: match.state, running: true, paused: match.state === 'paused' },
    // Only toolkits of targets with a PID namespace of their own carry the label.
    pidMode: '',
    rootPid,
    labels: match.labels,
  };
}

export function toTarget(details: ContainerDetails): Target {
  return {
    id: details.id,
    name: details.name,
    image: details.image,
    state: { status: details.state.status, running: details.state.running, paused: details.state.paused },
    pidMode: details.pidMode,
    rootPid: targetRootPid({ pidMode: details.pidMode, pid: details.state.pid }),
    labels: details.labels,
  };
}

/**
 * Reuses the running session for (target, profile) or starts one. A target that shares
 * another container's PID namespace has its main process found in the session (one exec).
 */
export async function openSession(
  engine: Engine,
  target: Target,
  listing: ContainerSummary[],
  options: SessionOptions,
): Promise<ToolkitSession> {
  const session = await startOrReuseSession(engine, target, listing, options);
  if (target.rootPid !== 0) return session;
  try {
    return session.withRootPid(await findRootPid(session));
  } catch (error) {
    await session[Symbol.asyncDispose]();
    throw error;
  }
}

/** The target's main process as the toolkit sees it (see find_target_pid in toolkit-scripts/common.sh). */
async function findRootPid(session: ToolkitSession): Promise<number> {
  const { cmd, env } = scriptExec('target-pid', []);
  const result = await session.run(cmd, { env: [...env, `REMORA_TARGET_ID=${session.target.id}`] });
  const pid = Number(result.stdout.toString('utf8').trim());
  if (result.exitCode !== 0 || !Number.isInteger(pid) || pid < 1) {
    const other = session.target.pidMode.slice('container:'.length, 'container:'.length + 12);
    throw new RemoraError(
      'OPERATION_FAILED',
      `cannot find ${session.target.name}'s main process in the PID namespace it shares with container ${other}`,
      {
        hint: 'its processes are recognised by their cgroup; a runtime that names cgroups otherwise is not supported yet',
      },
    );
  }
  return pid;
}

async function startOrReuseSession(
  engine: Engine,
  target: Target,
  listing: ContainerSummary[],
  options: SessionOptions,
): Promise<ToolkitSession> {
  requireRunning(target);
  const controlBase = localControlBase(engine);
  if (!options.ephemeral) {
    const existing = findSharedSession(listing, target.id, options.profile.name, options.image);
    if (existing)
      return new ToolkitSession(engine, existing.id, target, options.profile, options.image, undefined, controlOf(existing, controlBase));
  }
  // A shared session of a local engine running Remora's image gets a control socket.
  const controlDir =
    !options.ephemeral && controlBase !== undefined && (await isRemoraToolkitImage(engine, options.image))
      ? makeControlDir(controlBase)
      : undefined;
  if (options.profile.warning) options.say(`warning: ${options.profile.warning}`);
  const specFor = (dir: string | undefined): ContainerSpec =>
    buildToolkitSpec({
      target: { id: target.id, name: target.name, pidMode: target.pidMode, rootPid: target.rootPid },
      profile: options.profile,
      image: options.image,
      idleSeconds: options.idleSeconds,
      limits: options.limits,
      ephemeral: options.ephemeral,
      shareIpc: options.shareIpc,
      createdBy: createdBy(),
      version: REMORA_VERSION,
      nonce: randomSuffix(8),
      controlDir: dir,
    });
  if (controlDir === undefined || controlBase === undefined)
    return (await createSession(engine, target, options, specFor(undefined), undefined)).session;
  const control = { dir: controlDir, base: controlBase, fresh: true };
  let created;
  try {
    created = await createSession(engine, target, options, specFor(controlDir), control);
  } catch (error) {
    removeControlDir(control.dir, control.base);
    // An engine that cannot mount the directory (rootless under another user, one in a VM
    // that does not share it) still serves: the session goes without its socket.
    if (!refusedMount(error, control.dir)) throw error;
    return (await createSession(engine, target, options, specFor(undefined), undefined)).session;
  }
  // Another command's toolkit won the name: its directory, not ours, is the session's.
  if (created.joined) removeControlDir(control.dir, control.base);
  return created.session;
}

/** Whether an engine's refusal is about a bind mount (of the directory), not the session. */
function refusedMount(error: unknown, dir: string): boolean {
  const text = `${(error as Error).message ?? ''} ${String((error as { cause?: Error }).cause?.message ?? '')}`;
  return text.includes(dir) || /\bmount|bind source\b/i.test(text);
}

/** Creates (or joins) and starts a session's container from its spec. */
async function createSession(
  engine: Engine,
  target: Target,
  options: SessionOptions,
  spec: ContainerSpec,
  control: SessionControl | undefined,
): Promise<{ session: ToolkitSession; joined: boolean }> {
  const creation = await createWithImage(engine, options, () => createOrJoin(engine, spec, options.ephemeral));
  const containerId = creation.id;
  if (creation.joined) {
    const winner = (await engine.listContainers({ all: true, labels: [LABEL.session] })).find((c) => c.id === containerId);
    const winnerControl = controlOf(winner, control?.base);
    return {
      session: new ToolkitSession(engine, containerId, target, options.profile, options.image, undefined, winnerControl),
      joined: true,
    };
  }

  let hold: StdinHold | undefined;
  try {
    // The hold is taken before start, so the keeper can never see an unheld stdin.
    if (options.ephemeral) hold = await engine.holdStdin(containerId);
    await engine.startContainer(containerId);
  } catch (error) {
    hold?.release();
    await engine.removeContainer(containerId).catch(() => undefined);
    throw explainStartFailure(error, target);
  }
  return { session: new ToolkitSession(engine, containerId, target, options.profile, options.image, hold, control), joined: false };
}

/**
 * Creates a toolkit container (`create`) while its image is checked (an inspect and a
 * fingerprint of toolkit-image/, ~8 ms). In the rare case the image is missing or out of
 * date, that container is removed before it ever starts, the image made, and it is created
 * again. A container joined (another command's) is taken as it is.
 */
export async function createWithImage(
  engine: Engine,
  options: Pick<SessionOptions, 'image' | 'say'>,
  create: () => Promise<{ id: string; joined: boolean }>,
): Promise<{ id: string; joined: boolean }> {
  const [created, imageReady] = await Promise.all([settle(create()), toolkitImageIsReady(engine, options.image)]);
  let creation = created;
  const joined = creation.ok && creation.value.joined;
  if (!joined && (!imageReady || (!creation.ok && isMissingImage(creation.error)))) {
    if (creation.ok) await engine.removeContainer(creation.value.id).catch(() => undefined);
    await ensureToolkitImage({ engine, image: options.image, say: options.say });
    creation = await settle(create());
  }
  if (!creation.ok) throw creation.error;
  return creation.value;
}

/**
 * Creates the session's container. Several remora commands may race to create the same
 * shared session: the losers wait for the winner's container to run and join it. The
 * engine reserves a name before the container can be inspected, so a loser can meet a
 * conflict on a name that is not there yet; it keeps trying until a deadline, not for a
 * fixed number of rounds, because under load that window lasts as long as a create does.
 */
async function createOrJoin(engine: Engine, spec: ContainerSpec, ephemeral: boolean): Promise<{ id: string; joined: boolean }> {
  const deadline = Date.now() + JOIN_DEADLINE_MS;
  for (;;) {
    try {
      return { id: await engine.createContainer(spec), joined: false };
    } catch (error) {
      if (ephemeral || !isNameConflict(error) || Date.now() > deadline) throw error;
    }
    const winner = await awaitConcurrentStart(engine, spec.name, deadline);
    if (winner) return { id: winner, joined: true };
  }
}

/** How long a racing command waits for the winner's toolkit before it gives up. */
const JOIN_DEADLINE_MS = 15_000;
const JOIN_POLL_MS = 50;

function isNameConflict(error: unknown): boolean {
  return engineFailureOf(error) === 'NAME_IN_USE';
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

function isMissingImage(error: unknown): boolean {
  return error instanceof RemoraError && error.code === 'TOOLKIT_IMAGE_UNAVAILABLE';
}

/**
 * Another remora holds the session's name: wait for its container to run and return its
 * ID. Returns undefined when the caller should try to create again: the name is not
 * inspectable (still being created, or gone), or its holder died (auto-remove lagging)
 * and was removed here.
 */
async function awaitConcurrentStart(engine: Engine, name: string, deadline: number): Promise<string | undefined> {
  for (;;) {
    let holder;
    try {
      holder = await engine.inspectContainer(name);
    } catch {
      await pause(JOIN_POLL_MS);
      return undefined;
    }
    if (holder.state.running) return holder.id;
    const stillStarting = holder.state.status === 'created' && Date.now() < deadline;
    if (!stillStarting) {
      // A holder already being removed (or that cannot be) answers 409: wait a moment
      // before the next create rather than spinning against the engine.
      await engine.removeContainer(holder.id).catch(() => pause(JOIN_POLL_MS));
      return undefined;
    }
    await pause(JOIN_POLL_MS);
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The running shared session of (target, profile) that runs the image asked for. */
function findSharedSession(listing: ContainerSummary[], targetId: string, profile: string, image: string): ContainerSummary | undefined {
  return listing.find(
    (c) =>
      isToolkit(c) &&
      c.state === 'running' &&
      c.labels[LABEL.target] === targetId &&
      c.labels[LABEL.profile] === profile &&
      c.labels[LABEL.toolkitImage] === image &&
      c.labels[LABEL.ephemeral] !== 'true',
  );
}

/**
 * An exec that could not start, as EXEC_FAILED ("could not start <what> in the toolkit",
 * exit 125); a session or target that ended first is reported as that.
 */
export function execStartFailure(error: unknown, what: string): RemoraError {
  if (error instanceof RemoraError && (error.code === 'SESSION_ENDED' || error.code === 'TARGET_EXITED')) return error;
  return new RemoraError('EXEC_FAILED', `could not start ${what} in the toolkit: ${(error as Error).message}`, { cause: error });
}

/** A toolkit joins a running target only. */
export function requireRunning(target: Target): void {
  if (!target.state.running) {
    throw new RemoraError('TARGET_NOT_RUNNING', `${target.name} is not running`, { hint: `start it with \`docker start ${target.name}\`` });
  }
}

/** Why a toolkit did not start, as the user can act on it. */
export function explainStartFailure(error: unknown, target: Target): Error {
  const failure = engineFailureOf(error);
  if (failure === 'CONTAINER_PAUSED')
    return new RemoraError('TARGET_PAUSED', `${target.name} is paused: a new toolkit cannot join it now`, {
      hint: `unpause it (docker unpause ${target.name}), or reuse a session started before the pause`,
    });
  // A crash loop between two runs: the caller says so, with what it knows of the loop.
  if (failure === 'CONTAINER_RESTARTING') return error as Error;
  // (The engine's refusal, or Podman's check that the target's process outlived the join.)
  if (failure === 'CONTAINER_NOT_RUNNING' || (error instanceof RemoraError && error.code === 'TARGET_NOT_RUNNING')) {
    return new RemoraError('TARGET_NOT_RUNNING', `${target.name} stopped before the toolkit could join it`, {
      hint: `check it with \`docker ps -a --filter id=${target.id.slice(0, 12)}\``,
      cause: error,
    });
  }
  if (failure === 'CAPS_REFUSED') {
    return new RemoraError(
      'PERMISSION_DENIED',
      'the engine cannot grant the capabilities this profile asks for (it runs without some of them itself: a VM sandbox, rootless, or a restricted host)',
      {
        hint: 'use a smaller profile (--profile general or netadmin); remora doctor shows which profiles work here',
        cause: error,
      },
    );
  }
  return error as Error;
}

/** How old a never-started toolkit must be before the sweep takes it for an orphan. */
const CREATED_GRACE_SECONDS = 60;

/**
 * Toolkits that can no longer serve: their target is gone or stopped, or they are not
 * running and were not just created by a concurrent command. Pure, from one listing.
 */
export function staleToolkits(listing: ContainerSummary[], nowSeconds: number): ContainerSummary[] {
  const live = new Set(listing.filter((c) => !isToolkit(c) && (c.state === 'running' || c.state === 'paused')).map((c) => c.id));
  return listing.filter((c) => {
    if (!isToolkit(c)) return false;
    if (c.state === 'created') return nowSeconds - c.created > CREATED_GRACE_SECONDS;
    if (c.state !== 'running' && c.state !== 'paused') return true;
    return !live.has(c.labels[LABEL.target] ?? '');
  });
}

/** Removes a toolkit (force) and then its control directory. */
export async function removeToolkit(engine: Engine, toolkit: ContainerSummary): Promise<void> {
  const control = controlOf(toolkit, localControlBase(engine));
  // Its server's commands first, or they are left as zombies in the target (stop_all in remora-serve.c).
  if (control && toolkit.state === 'running') await stopControlCommands(controlSocketOf(control.dir));
  await engine.removeContainer(toolkit.id);
  if (control) removeControlDir(control.dir, control.base);
}

/** Removes toolkits (stale ones); a failure is left to the next command's sweep. */
export async function removeToolkits(engine: Engine, toolkits: readonly ContainerSummary[]): Promise<void> {
  await Promise.allSettled(toolkits.map((c) => removeToolkit(engine, c)));
}

export function sessionsOf(listing: ContainerSummary[], targetId?: string): ContainerSummary[] {
  return listing.filter((c) => isToolkit(c) && (targetId === undefined || c.labels[LABEL.target] === targetId));
}
