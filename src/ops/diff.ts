// `remora diff`: what a container changed against its image — the engine's changes API for
// the writable layer, its mounts apart (their files never came from the image), and for one
// file a unified diff against the image's version, read from a never-started container of
// the image (removed afterwards). Nothing runs and the container is not changed.
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { engineMadeReason } from '../core/engine-made-paths.js';
import { RemoraError } from '../core/errors.js';
import { randomSuffix } from '../core/fingerprint.js';
import { LABEL, ROLE_STAND_IN } from '../core/labels.js';
import { hasEscapedBytes, terminalSafe } from '../core/target-text.js';
import { looksBinary, unifiedDiff } from '../core/unified-diff.js';
import { engineFailureOf } from '../engine/engine-errors.js';
import type { ContainerDetails, Engine } from '../engine/types.js';
import { readRawNames } from './tar-raw-names.js';

export interface ChangeEntry {
  path: string;
  kind: 'changed' | 'added' | 'deleted';
}

export interface MountEntry {
  destination: string;
  type: string;
  /** Volume name or host path; empty for tmpfs. */
  source: string;
}

export interface ContainerDiff {
  changes: ChangeEntry[];
  mounts: MountEntry[];
}

/** How a file compares with the image's version. */
export type FileComparison = { kind: 'same' } | { kind: 'text' | 'added' | 'deleted' | 'binary'; diff: string };

/** Files bigger than this are compared by size only (the diff keeps both in memory). */
const TEXT_LIMIT = 4 * 1024 * 1024;

export function mountsOf(details: ContainerDetails): MountEntry[] {
  const mounts: MountEntry[] = details.mounts.map((m) => ({
    destination: m.destination,
    type: m.type,
    source: m.type === 'volume' ? (m.name ?? m.source) : m.type === 'bind' ? m.source : '',
  }));
  for (const destination of Object.keys(details.tmpfs))
    if (!mounts.some((m) => m.destination === destination)) mounts.push({ destination, type: 'tmpfs', source: '' });
  return mounts.sort((a, b) => a.destination.localeCompare(b.destination));
}

export async function containerDiff(engine: Engine, details: ContainerDetails): Promise<ContainerDiff> {
  const mounts = mountsOf(details);
  const changes = await engine.containerChanges(details.id);
  // A mount point's own directory shows as added; what is below a mount never does.
  const onMount = (path: string): boolean => mounts.some((m) => path === m.destination || path.startsWith(`${m.destination}/`));
  return { changes: changes.filter((c) => !onMount(c.path)).sort((a, b) => a.path.localeCompare(b.path)), mounts };
}

/**
 * One file against the image's version: the same, or how it differs (a unified diff, with
 * /dev/null for the side that lacks it; one line for binary or huge files). A path with no
 * image version (a mount, what the engine makes, an image that is gone) is an error that
 * says why.
 */
export async function compareFile(engine: Engine, details: ContainerDetails, path: string): Promise<FileComparison> {
  const absolute = posix.resolve('/', path);
  const engineMade = engineMadeReason(absolute);
  if (engineMade) {
    // A stand-in has its own, so only a running container's can be read as it is.
    throw new RemoraError(
      'OPERATION_FAILED',
      `${engineMade}: there is no image version to compare`,
      details.state.running ? { hint: `read it with remora exec ${details.name} -- cat /target${absolute}` } : {},
    );
  }
  const mount = mountsOf(details).find((m) => absolute === m.destination || absolute.startsWith(`${m.destination}/`));
  if (mount) {
    throw new RemoraError(
      'OPERATION_FAILED',
      `${absolute} is on a ${mount.type} mount at ${mount.destination}, not from the image: there is no image version to compare`,
      {
        hint:
          mount.type === 'tmpfs'
            ? `read it with remora exec ${details.name} -- cat /target${absolute}`
            : `copy it out with remora cp ${details.name}:${absolute} .`,
      },
    );
  }
  const image = await engine.inspectImage(details.imageId);
  if (!image)
    throw new RemoraError(
      'OPERATION_FAILED',
      `the image of ${details.name} (${details.image}) is no longer on the engine: there is nothing to compare against`,
    );
  const reader = await engine.createContainer({
    name: `remora-diff-${randomSuffix(8)}`,
    image: image.id,
    entrypoint: ['/nonexistent'],
    labels: { [LABEL.role]: ROLE_STAND_IN },
    hostConfig: { networkMode: 'none' },
  });
  let before: Buffer | null;
  let after: Buffer | null;
  try {
    [before, after] = await Promise.all([readFile(engine, reader, absolute), readFile(engine, details.id, absolute)]);
  } finally {
    await engine.removeContainer(reader).catch(() => undefined);
  }
  if (before === null && after === null)
    throw new RemoraError('PATH_NOT_FOUND', `${absolute} is neither in ${details.name} nor in its image`);
  // A path's bytes that are not UTF-8 shown escaped (`caf\xe9.txt`), as in every other line remora prints.
  const shown = terminalSafe(absolute);
  const labels = {
    old: before === null ? '/dev/null' : `${details.image}:${shown}`,
    new: after === null ? '/dev/null' : `${details.name}:${shown}`,
  };
  if (
    (before && looksBinary(before)) ||
    (after && looksBinary(after)) ||
    (before?.length ?? 0) > TEXT_LIMIT ||
    (after?.length ?? 0) > TEXT_LIMIT
  ) {
    if (before && after && before.equals(after)) return { kind: 'same' };
    return {
      kind: before === null ? 'added' : after === null ? 'deleted' : 'binary',
      diff: `Binary files ${labels.old} and ${labels.new} differ\n`,
    };
  }
  const diff = unifiedDiff(before?.toString('utf8') ?? '', after?.toString('utf8') ?? '', labels);
  if (diff === '') return { kind: 'same' };
  return { kind: before === null ? 'added' : after === null ? 'deleted' : 'text', diff };
}

/** A unified diff of one file against the image's version ('' when they are the same). */
export async function fileDiff(engine: Engine, details: ContainerDetails, path: string): Promise<string> {
  const comparison = await compareFile(engine, details, path);
  return comparison.kind === 'same' ? '' : comparison.diff;
}

/** A regular file's bytes through the archive API; null when absent or not a file. */
async function readFile(engine: Engine, containerId: string, path: string): Promise<Buffer | null> {
  // dockerd hands a single file's name to its archiver as JSON, which turns bytes that are
  // not UTF-8 into U+FFFD: such a file comes as an empty tar. The tar of its directory holds
  // it under its exact name (in a pax record), after its siblings sorted before it.
  const base = posix.basename(path);
  const parent = posix.dirname(path);
  const viaParent = hasEscapedBytes(base) && parent !== path;
  /** The entry's name in the parent's tar: `dir/name`, or `/name` in that of the root. */
  const wanted = parent === '/' ? [base] : [posix.basename(parent), base];
  const isWanted = (name: string): boolean => {
    const parts = name
      .replace(/^\.?\//, '')
      .replace(/\/$/, '')
      .split('/');
    return parts.length === wanted.length && parts.every((part, i) => part === wanted[i]);
  };
  let archive: Readable;
  try {
    archive = await engine.getArchive(containerId, viaParent ? parent : path);
  } catch (error) {
    if (engineFailureOf(error) === 'PATH_NOT_FOUND') return null;
    throw error;
  }
  const extract = tarStream.extract();
  readRawNames(extract);
  archive.once('error', (error) => extract.destroy(error));
  archive.pipe(extract);
  let data: Buffer | null = null;
  let kind: string | undefined;
  try {
    for await (const entry of extract) {
      if (viaParent && !isWanted(entry.header.name)) {
        entry.resume();
        continue;
      }
      kind ??= entry.header.type;
      if (data === null && entry.header.type === 'file') {
        const chunks: Buffer[] = [];
        for await (const chunk of entry as AsyncIterable<Buffer>) chunks.push(chunk);
        data = Buffer.concat(chunks);
      } else entry.resume();
      // Found in its directory's tar: the rest of that tar is not needed.
      if (viaParent) break;
    }
  } finally {
    if (viaParent) archive.destroy();
  }
  if (kind !== undefined && kind !== 'file')
    throw new RemoraError('USAGE', `${path} is a ${kind === 'directory' ? 'directory' : kind}: remora diff compares regular files`, {
      hint: 'remora diff TARGET (no path) lists what changed',
    });
  return data;
}
