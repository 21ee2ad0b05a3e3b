// Stand-ins: a labelled container Remora runs in place of a target that has no process (an
// exited or never-started container, or an image), so the toolkit can join it like any
// target. It has the original's files (a commit of the container to a temporary image,
// removed as soon as the stand-in exists; or the image itself), volumes (read-only unless
// asked), env, user and working directory. Its PID 1 is remora-hold, copied in from the
// toolkit image before the start (no shell needed in the target): it exits by itself once
// no other process has been in the stand-in for HOLD_GRACE_SECONDS, i.e. once the toolkit
// session that used it ended (idle, detach, --rm, remora killed), and the engine then
// removes the stand-in (auto-remove). The original is never started or changed.
import type { Readable } from 'node:stream';
import { RemoraError } from '../core/errors.js';
import { randomSuffix } from '../core/fingerprint.js';
import { LABEL, ROLE_STAND_IN, ROLE_STAND_IN_IMAGE } from '../core/labels.js';
import { describePostMortem, standInMounts, type PostMortemSource } from '../core/post-mortem.js';
import { REMORA_VERSION } from '../core/version.js';
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
import { createdBy } from './toolkit-session.js';

/** Where the holder lives in the toolkit image, and where it goes in a stand-in. */
export const HOLDER_IN_TOOLKIT = '/opt/remora/bin/remora-hold';
export const HOLDER_IN_STAND_IN = '/.remora-hold';
/** How long a stand-in waits, alone, for its toolkit before it ends. */
export const HOLD_GRACE_SECONDS = 10;
/** How old a stand-in that never ran must be before a sweep takes it for an orphan. */
const ORPHAN_GRACE_SECONDS = 60;

/** A target with no process: what a stand-in is made from. */
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
  extraLabels?: Record<string, string>;
  /**
   * Run this program (the target's entrypoint + cmd, or the user's) as soon as a tracer is
   * attached to PID 2, instead of only holding. Such a stand-in is never shared.
   */
  runWhenTraced?: string[];
  /** Network of the stand-in: none unless it runs the program. */
  networkMode?: string;
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
    if (target.source.kind === 'container') {
      options.say(`making a stand-in of ${target.source.name} from its files (a commit of its writable layer: a large one takes a while)…`);
      temporaryImage = await commitOrCopy(engine, target.source, options);
      imageId = temporaryImage;
    }
    containerId = await engine.createContainer(standInSpec(target, imageId, mounts, options));
    // The stand-in keeps the layers alive: the image is not needed any longer, and
    // removing it now means nothing is left behind it, however remora ends.
    if (temporaryImage) await engine.removeImage(temporaryImage, { force: true });
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
 * The container's files as an image: a commit (its own layer on its image's), or, when its
 * image was removed (a commit needs it), an export of its whole filesystem imported anew.
 */
async function commitOrCopy(
  engine: Engine,
  source: Extract<PostMortemSource, { kind: 'container' }>,
  options: StandInOptions,
): Promise<string> {
  try {
    return await engine.commitContainer(source.id, {
      ...options.extraLabels,
      [LABEL.role]: ROLE_STAND_IN_IMAGE,
      [LABEL.standInFor]: source.id,
    });
  } catch (error) {
    if (!/failed to get digest|no such image/i.test((error as Error).message)) throw error;
  }
  options.say(`the image of ${source.name} is gone: copying its whole filesystem instead (slower)…`);
  const ref = `remora-standin-copy:${randomSuffix(8)}`;
  await engine.importImage(await engine.exportContainer(source.id), ref);
  const copied = await engine.inspectImage(ref);
  if (!copied) throw new RemoraError('OPERATION_FAILED', `the copy of ${source.name}'s files did not become an image`);
  return copied.id;
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
      ...options.extraLabels,
      [LABEL.role]: ROLE_STAND_IN,
      [LABEL.standInFor]: target.source.id,
      [LABEL.standInName]: target.source.name,
      [LABEL.standInOf]: target.source.kind === 'container' ? target.source.finishedAt : target.source.id,
      [LABEL.createdBy]: createdBy(),
      [LABEL.version]: REMORA_VERSION,
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
    labels: { ...options.extraLabels, [LABEL.role]: ROLE_STAND_IN, [LABEL.createdBy]: createdBy(), [LABEL.version]: REMORA_VERSION },
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
  const message = (error as Error).message ?? String(error);
  const what = target.source.kind === 'container' ? `${target.source.name} (${target.source.status})` : `image ${target.source.name}`;
  if (/exec format error/i.test(message)) {
    return new RemoraError(
      'OPERATION_FAILED',
      `cannot run a stand-in of ${what}: it is built for another architecture (${target.architecture ?? 'unknown'})`,
      { cause: error },
    );
  }
  if (/bind source path does not exist/i.test(message)) {
    return new RemoraError('OPERATION_FAILED', `cannot make a stand-in of ${what}: a bind mount's source no longer exists on the host`, {
      hint: message,
      cause: error,
    });
  }
  return new RemoraError('OPERATION_FAILED', `cannot make a stand-in of ${what}: ${message.replace(/^the engine refused: /, '')}`, {
    cause: error,
  });
}

/**
 * Stand-in leftovers no holder will end: never-started stand-ins and holder sources older
 * than a minute (remora killed between create and start). Running ones end by themselves.
 */
export function staleStandIns(listing: ContainerSummary[], nowSeconds: number): ContainerSummary[] {
  return listing.filter(
    (c) =>
      c.labels[LABEL.role] === ROLE_STAND_IN &&
      c.state !== 'running' &&
      c.state !== 'paused' &&
      nowSeconds - c.created > ORPHAN_GRACE_SECONDS,
  );
}
