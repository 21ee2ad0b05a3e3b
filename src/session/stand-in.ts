// Stand-ins: a labelled container Remora runs in place of a target that has no process (an
// exited or never-started container, or an image), so the toolkit can join it like any
// target. It has the original's files (a commit of the container to a temporary image,
// released as soon as the stand-in exists; or the image itself), volumes (read-only unless
// asked), env, user and working directory. Its PID 1 is remora-hold, copied in from the
// toolkit image before the start (no shell needed in the target): it exits by itself once
// no other process has been in the stand-in for HOLD_GRACE_SECONDS, i.e. once the toolkit
// session that used it ended (idle, detach, --rm, remora killed), and the engine then
// removes the stand-in (auto-remove). The original is never started or changed.
import type { Readable } from 'node:stream';
import { formatCommitProgress, type CommitProgress } from '../core/commit-progress.js';
import { RemoraError } from '../core/errors.js';
import { randomSuffix } from '../core/fingerprint.js';
import { LABEL, ROLE_STAND_IN, ROLE_STAND_IN_IMAGE } from '../core/labels.js';
import { describePostMortem, standInMounts, type PostMortemSource } from '../core/post-mortem.js';
import { REMORA_VERSION } from '../core/version.js';
import { EngineError, engineFailureOf, missingBindSourceOf } from '../engine/engine-errors.js';
import { readAllBytes } from '../engine/http-client.js';
import type {
  ContainerDetails,
  ContainerSpec,
  ContainerSummary,
  Engine,
  ImageConfig,
  ImageDetails,
  MountSpec,
  ProgressHandler,
} from '../engine/types.js';
import { ownerLabel, ownerState } from './process-owner.js';
import { createdBy } from './toolkit-session.js';

/** Where the holder lives in the toolkit image, and where it goes in a stand-in. */
export const HOLDER_IN_TOOLKIT = '/opt/remora/bin/remora-hold';
export const HOLDER_IN_STAND_IN = '/.remora-hold';
/** How long a stand-in waits, alone, for its toolkit before it ends. */
export const HOLD_GRACE_SECONDS = 10;
/** How old a stand-in that never ran must be before a sweep takes it for an orphan. */
const ORPHAN_GRACE_SECONDS = 60;

/** A target with no process (an exited container, an image): what a stand-in is made from. */
export interface PostMortemTarget {
  source: PostMortemSource;
  /** The original image (name as the user knows it), for headers. */
  image: string;
  /** The image's ID, when a container names it (it may have been removed since). */
  imageId?: string;
  config: ImageConfig;
  /** The container's mounts (none for an image). */
  mounts: ContainerDetails['mounts'];
  tmpfs: Record<string, string>;
  networkMode: string;
  architecture?: string;
}

export function postMortemFromContainer(details: ContainerDetails): PostMortemTarget {
  return {
    source: {
      kind: 'container',
      id: details.id,
      name: details.name,
      status: details.state.status,
      exitCode: details.state.exitCode,
      finishedAt: details.state.finishedAt,
    },
    image: details.image,
    imageId: details.imageId,
    config: details.config,
    mounts: details.mounts,
    tmpfs: details.tmpfs,
    networkMode: details.networkMode,
  };
}

export function postMortemFromImage(name: string, image: ImageDetails): PostMortemTarget {
  return {
    source: { kind: 'image', id: image.id, name },
    image: name,
    config: image.config,
    mounts: [],
    tmpfs: {},
    networkMode: '',
    architecture: image.architecture,
  };
}

export interface StandInOptions {
  /** The toolkit image the holder is taken from. */
  toolkitImage: string;
  rwVolumes: boolean;
  say: ProgressHandler;
  /**
   * Run this program (the target's entrypoint + cmd, or the user's) as soon as a tracer is
   * attached to PID 2, instead of only holding. Such a stand-in is never shared.
   */
  runWhenTraced?: string[];
  /** Network of the stand-in: none unless it runs the program. */
  networkMode?: string;
  /**
   * Follows the commit of a container's writable layer: called at its start, every second
   * while it runs, and once done. Without it, one `say` line names the layer and its size.
   */
  onCommit?: (progress: CommitProgress) => void;
}

export interface StandIn {
  id: string;
  /** The line that says what the user is looking at. */
  description: string;
}

/** A running stand-in of the same original that can serve again (same exit, only holding). */
export function reusableStandIn(listing: ContainerSummary[], target: PostMortemTarget): ContainerSummary | undefined {
  const of = target.source.kind === 'container' ? target.source.finishedAt : target.source.id;
  return listing.find(
    (c) =>
      c.state === 'running' &&
      c.labels[LABEL.role] === ROLE_STAND_IN &&
      c.labels[LABEL.standInFor] === target.source.id &&
      c.labels[LABEL.standInOf] === of &&
      c.labels[LABEL.ephemeral] !== 'true',
  );
}

/** Makes and starts a stand-in; on any failure nothing of it is left. */
export async function startStandIn(engine: Engine, target: PostMortemTarget, options: StandInOptions): Promise<StandIn> {
  const description = describePostMortem(target.source, Date.now());
  const holder = await holderArchive(engine, options);
  const volumes = await existingVolumes(engine, target.mounts);
  const { mounts, missingVolumes } = standInMounts(target.mounts, target.tmpfs, {
    rwVolumes: options.rwVolumes,
    volumeExists: (name) => volumes.has(name),
  });
  for (const missing of missingVolumes)
    options.say(
      `volume ${missing.name} (at ${missing.destination}) no longer exists: ${missing.destination} shows the image's files there`,
    );
  if (options.rwVolumes && mounts.some((m) => m.type !== 'tmpfs' && !m.readOnly)) {
    options.say(
      '--rw-volumes: writes to volumes and bind mounts go to the real ones, which the original (and anything else using them) will see',
    );
  }

  let imageId = target.source.id;
  let temporaryImage: string | undefined;
  let containerId: string | undefined;
  try {
    const source = target.source;
    if (source.kind === 'container') {
      temporaryImage = await withCommitProgress(engine, source, options, (copying) => commitOrCopy(engine, source, options, copying));
      imageId = temporaryImage;
    }
    containerId = await createWithoutMissingBinds(engine, (kept) => standInSpec(target, imageId, kept, options), mounts, options.say);
    // The stand-in keeps the layers alive: the image is not needed any longer, and
    // removing it now means nothing is left behind it, however remora ends.
    if (temporaryImage) await engine.releaseImage(temporaryImage);
    temporaryImage = undefined;
    await engine.putArchive(containerId, '/', holder);
    await engine.startContainer(containerId);
    return { id: containerId, description };
  } catch (error) {
    if (containerId) await engine.removeContainer(containerId).catch(() => undefined);
    if (temporaryImage) await engine.removeImage(temporaryImage, { force: true }).catch(() => undefined);
    throw explainStandInFailure(error, target);
  }
}

/**
 * Creates the stand-in; a bind mount whose host path no longer exists (which the engine
 * refuses) is left out, and said in one line, as a volume that no longer exists is.
 */
async function createWithoutMissingBinds(
  engine: Engine,
  spec: (mounts: MountSpec[]) => ContainerSpec,
  mounts: MountSpec[],
  say: ProgressHandler,
): Promise<string> {
  let kept = mounts;
  for (;;) {
    try {
      return await engine.createContainer(spec(kept));
    } catch (error) {
      const source = missingBindSourceOf(error);
      const missing = kept.find((m) => m.type === 'bind' && m.source === source);
      if (!missing) throw error;
      say(`bind mount ${source} (at ${missing.target}) no longer exists on the host: ${missing.target} shows the image's files there`);
      kept = kept.filter((m) => m !== missing);
    }
  }
}

/** How often a commit's progress is reported. */
const COMMIT_TICK_MS = 1000;

/**
 * Runs the commit while reporting it every second, with the layer's size once the engine has
 * measured it (beside the commit: measuring a huge layer takes as long as reading it).
 */
async function withCommitProgress<T>(
  engine: Engine,
  source: Extract<PostMortemSource, { kind: 'container' }>,
  options: StandInOptions,
  commit: (copying: () => void) => Promise<T>,
): Promise<T> {
  const started = Date.now();
  let sizeRw: number | undefined;
  let copy = false;
  const report = options.onCommit ?? sayOnce(options.say);
  const tell = (done: boolean): void =>
    report({ name: source.name, ...(copy ? { copy } : { sizeRw }), elapsedMs: Date.now() - started, done });
  void engine
    .writableLayerSize(source.id)
    .then((size) => {
      sizeRw = size;
    })
    .catch(() => undefined);
  tell(false);
  const ticker = setInterval(() => tell(false), COMMIT_TICK_MS);
  try {
    // A copy of the whole filesystem instead: said as such, without the layer's size.
    return await commit(() => {
      copy = true;
      tell(false);
    });
  } finally {
    clearInterval(ticker);
    tell(true);
  }
}

/** One line for the whole commit: once its size is known, or a second has passed, or it is done. */
export function sayOnce(say: ProgressHandler): (progress: CommitProgress) => void {
  let said = false;
  return (progress) => {
    // A copy instead of the commit has had its own line (why, and that it is slower).
    if (said || progress.copy || (progress.sizeRw === undefined && progress.elapsedMs < COMMIT_TICK_MS && !progress.done)) return;
    said = true;
    say(formatCommitProgress(progress, false));
  };
}

/**
 * The container's files as an image: a commit (its own layer on its image's), or, when its
 * image was removed (a commit needs it), an export of its whole filesystem imported anew.
 */
async function commitOrCopy(
  engine: Engine,
  source: Extract<PostMortemSource, { kind: 'container' }>,
  options: StandInOptions,
  copying: () => void,
): Promise<string> {
  let why: string;
  try {
    return await engine.commitContainer(source.id, temporaryImageLabels(source));
  } catch (error) {
    const failure = engineFailureOf(error);
    if (failure === 'IMAGE_NOT_FOUND') why = `the image of ${source.name} is gone`;
    // Rootless Podman's compatible API cannot commit.
    else if (failure === 'COMMIT_UNSUPPORTED') why = 'the engine cannot commit it';
    else throw error;
  }
  options.say(`${why}: copying its whole filesystem instead (slower)`);
  copying();
  const ref = `remora-standin-copy:${randomSuffix(8)}`;
  await engine.importImage(await engine.exportContainer(source.id), ref, temporaryImageLabels(source));
  const copied = await engine.inspectImage(ref);
  if (!copied) throw new RemoraError('OPERATION_FAILED', `the copy of ${source.name}'s files did not become an image`);
  return copied.id;
}

/** On the temporary image: what it is for, and who makes it (a later sweep removes it once its maker is gone). */
function temporaryImageLabels(source: Extract<PostMortemSource, { kind: 'container' }>): Record<string, string> {
  return { [LABEL.role]: ROLE_STAND_IN_IMAGE, [LABEL.standInFor]: source.id, ...ownerLabels() };
}

function ownerLabels(): Record<string, string> {
  const owner = ownerLabel();
  return owner ? { [LABEL.owner]: owner } : {};
}

function standInSpec(target: PostMortemTarget, imageId: string, mounts: MountSpec[], options: StandInOptions): ContainerSpec {
  const name = target.source.name.replace(/[^a-zA-Z0-9_.-]/g, '-').replace(/^[^a-zA-Z0-9]+/, '');
  const program = options.runWhenTraced;
  return {
    name: `remora-standin-${name || 'image'}-${randomSuffix(6)}`,
    image: imageId,
    entrypoint: [HOLDER_IN_STAND_IN],
    cmd: program ? ['--when-traced', ...program] : [String(HOLD_GRACE_SECONDS)],
    env: target.config.env,
    user: target.config.user || undefined,
    workingDir: target.config.workingDir || undefined,
    labels: {
      [LABEL.role]: ROLE_STAND_IN,
      [LABEL.standInFor]: target.source.id,
      [LABEL.standInName]: target.source.name,
      [LABEL.standInOf]: target.source.kind === 'container' ? target.source.finishedAt : target.source.id,
      [LABEL.createdBy]: createdBy(),
      [LABEL.version]: REMORA_VERSION,
      ...ownerLabels(),
      ...(program ? { [LABEL.ephemeral]: 'true' } : {}),
    },
    hostConfig: {
      // It only holds (or runs the program for a trace): no privileges, no network unless asked.
      networkMode: options.networkMode ?? 'none',
      capDrop: program ? undefined : ['ALL'],
      securityOpt: ['no-new-privileges'],
      autoRemove: true,
      mounts,
    },
  };
}

/** The holder as a one-file tar for `/`, read from a never-started container of the toolkit image. */
async function holderArchive(engine: Engine, options: StandInOptions): Promise<Buffer> {
  const source = await engine.createContainer({
    name: `remora-holder-${randomSuffix(8)}`,
    image: options.toolkitImage,
    entrypoint: [],
    cmd: ['true'],
    labels: { [LABEL.role]: ROLE_STAND_IN, [LABEL.createdBy]: createdBy(), [LABEL.version]: REMORA_VERSION, ...ownerLabels() },
    hostConfig: { networkMode: 'none', autoRemove: false },
  });
  try {
    let archive: Readable;
    try {
      archive = await engine.getArchive(source, HOLDER_IN_TOOLKIT);
    } catch (error) {
      throw new RemoraError(
        'TOOL_MISSING',
        `the toolkit image ${options.toolkitImage} has no ${HOLDER_IN_TOOLKIT}, which a stand-in needs`,
        {
          hint: "use Remora's own toolkit image (drop --toolkit-image / REMORA_TOOLKIT_IMAGE), or rebuild it with remora toolkit build",
          cause: error,
        },
      );
    }
    const binary = await firstFile(archive);
    return await singleFileTar(HOLDER_IN_STAND_IN.slice(1), binary, 0o755);
  } finally {
    await engine.removeContainer(source).catch(() => undefined);
  }
}

/**
 * tar-stream loads only when a stand-in is made: this module is on every session command's
 * path (exec, ps), and its import costs those ~6 ms of CPU for nothing.
 */
async function loadTarStream(): Promise<typeof import('tar-stream')> {
  return (await import('tar-stream')).default;
}

async function firstFile(archive: Readable): Promise<Buffer> {
  const extract = (await loadTarStream()).extract();
  archive.once('error', (error) => extract.destroy(error));
  archive.pipe(extract);
  let found: Buffer | undefined;
  for await (const entry of extract) {
    if (!found && entry.header.type === 'file') found = await readAllBytes(entry as unknown as Readable);
    else entry.resume();
  }
  if (!found) throw new RemoraError('OPERATION_FAILED', 'the toolkit image gave no holder file');
  return found;
}

async function singleFileTar(name: string, data: Buffer, mode: number): Promise<Buffer> {
  const pack = (await loadTarStream()).pack();
  pack.entry({ name, mode, size: data.length, uid: 0, gid: 0, mtime: new Date() }, data);
  pack.finalize();
  return readAllBytes(pack as unknown as Readable);
}

async function existingVolumes(engine: Engine, mounts: ContainerDetails['mounts']): Promise<Set<string>> {
  const names = mounts.filter((m) => m.type === 'volume' && m.name).map((m) => m.name as string);
  const checks = await Promise.all(names.map(async (name) => ((await engine.volumeExists(name)) ? name : undefined)));
  return new Set(checks.filter((n): n is string => n !== undefined));
}

function explainStandInFailure(error: unknown, target: PostMortemTarget): Error {
  if (error instanceof RemoraError && error.code !== 'ENGINE_ERROR') return error;
  const message = error instanceof EngineError ? error.engineMessage : ((error as Error).message ?? String(error));
  const failure = engineFailureOf(error);
  const what = target.source.kind === 'container' ? `${target.source.name} (${target.source.status})` : `image ${target.source.name}`;
  if (failure === 'WRONG_ARCHITECTURE') {
    return new RemoraError(
      'OPERATION_FAILED',
      `cannot run a stand-in of ${what}: it is built for another architecture (${target.architecture ?? 'unknown'})`,
      { cause: error },
    );
  }
  if (failure === 'BIND_SOURCE_MISSING') {
    return new RemoraError('OPERATION_FAILED', `cannot make a stand-in of ${what}: a bind mount's source no longer exists on the host`, {
      hint: message,
      cause: error,
    });
  }
  return new RemoraError('OPERATION_FAILED', `cannot make a stand-in of ${what}: ${message}`, {
    cause: error,
  });
}

/**
 * Stand-in leftovers no holder will end: never-started stand-ins and holder sources whose
 * maker is gone (remora killed between create and start), or, when that cannot be told
 * (made elsewhere, by an older remora), older than a minute. Running ones end by themselves.
 */
export function staleStandIns(
  listing: ContainerSummary[],
  nowSeconds: number,
  ownerOf: (label: string | undefined) => 'alive' | 'gone' | 'unknown' = ownerState,
): ContainerSummary[] {
  return listing.filter((c) => {
    if (c.labels[LABEL.role] !== ROLE_STAND_IN || c.state === 'running' || c.state === 'paused') return false;
    return orphaned(c, nowSeconds - ORPHAN_GRACE_SECONDS, ownerOf);
  });
}

/** Whether what a remora made is left over: its maker is gone, or, when that cannot be told, it was made before `madeBefore`. */
function orphaned(
  made: { labels: Record<string, string>; created: number },
  madeBefore: number,
  ownerOf: (label: string | undefined) => 'alive' | 'gone' | 'unknown',
): boolean {
  const owner = ownerOf(made.labels[LABEL.owner]);
  return owner === 'gone' || (owner === 'unknown' && made.created < madeBefore);
}

/** How old a temporary image must be, when its maker cannot be checked, before a sweep takes it for an orphan. */
const ORPHAN_IMAGE_SECONDS = 10 * 60;

/**
 * Temporary images a killed remora left (its commit ends in the engine after remora is
 * gone): those whose maker is gone, or, when that cannot be told, older than ten minutes
 * (a stand-in is made from one within seconds of its commit).
 */
export function orphanedStandInImages<T extends { labels: Record<string, string>; created: number }>(
  images: readonly T[],
  nowSeconds: number,
  ownerOf: (label: string | undefined) => 'alive' | 'gone' | 'unknown' = ownerState,
): T[] {
  return images.filter((image) => {
    if (image.labels[LABEL.role] !== ROLE_STAND_IN_IMAGE) return false;
    return orphaned(image, nowSeconds - ORPHAN_IMAGE_SECONDS, ownerOf);
  });
}

/**
 * After its stand-in was removed: the temporary image this process made for `originalId`,
 * if the engine kept it (Podman does while the stand-in exists; on Docker there is none).
 * A removal still under way holds the image: then it waits for the stand-in to be gone.
 */
export async function removeOwnTemporaryImages(engine: Engine, originalId: string, standInId: string): Promise<void> {
  const owner = ownerLabel();
  if (!owner) return;
  // One label in the filter: Podman 4.3 answers none for two.
  const images = (await engine.listImages([`${LABEL.standInFor}=${originalId}`]).catch(() => [])).filter(
    (image) => image.labels[LABEL.owner] === owner,
  );
  if (images.length === 0) return;
  const removeAll = () => Promise.all(images.map((image) => engine.removeImage(image.id)));
  await removeAll()
    .catch(async () => {
      await (await engine.waitContainer(standInId, 'removed')).exitCode.catch(() => undefined);
      await removeAll();
    })
    .catch(() => undefined);
}

/** Removes the orphaned temporary images among those `scope` keeps (with REMORA_LABELS, only those carrying them). */
export async function removeOrphanedStandInImages(engine: Engine, scope: (labels: Record<string, string>) => boolean): Promise<void> {
  const images = await engine.listImages([`${LABEL.role}=${ROLE_STAND_IN_IMAGE}`]);
  const orphans = orphanedStandInImages(
    images.filter((image) => scope(image.labels)),
    Date.now() / 1000,
  );
  // Not forced: one that a stand-in still uses (Podman keeps them) stays until it has ended.
  await Promise.allSettled(orphans.map((image) => engine.removeImage(image.id)));
}
