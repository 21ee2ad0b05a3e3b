// Copy-out: `remora-fs pack` in the toolkit streams the item from inside the target's root;
// here it lands below a local directory (by the docker cp rules) or becomes a tar stream
// on stdout. What comes out of a target is untrusted: local-writer.ts guards every name.
import { realpath, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Writable } from 'node:stream';
import { kindOfEngineMode, routeOfItem, type CopyRoute } from '../core/copy-route.js';
import { planCopy, requireDirectoryForMany, shapeOf, type DestinationState, type PathShape, type SourceKind } from '../core/cp-paths.js';
import { RemoraError } from '../core/errors.js';
import { decodeTargetBytes, fsPath } from '../core/target-text.js';
import type { ToolkitSession } from '../session/toolkit-session.js';
import { observeEntries, type CopyEntry, type EntryHooks } from './copy-entries.js';
import { hashTargetItem, openPack, type PackStream } from './pack-stream.js';
import { openArchiveFile } from './archive-copy-out.js';
import { itemAt, locateInTarget, routeAt, type Located } from './archive-route.js';
import { writeLocalTree } from './local-writer.js';
import { writeTarEntries } from './tar-entries.js';
import { hashEntries, hashLocalFiles, type FileHashes } from './verify.js';

export type CopyOutDestination =
  | { kind: 'local'; /** Absolute, with its `/` or `/.` ending kept. */ path: string; display: string }
  | { kind: 'stream'; output: Writable };

export interface CopyOutRequest {
  session: ToolkitSession;
  targetName: string;
  /** Absolute path inside the target, as typed (a trailing `/` or `/.` means something). */
  sourcePath: string;
  followLink: boolean;
  destination: CopyOutDestination;
  /** Several sources: the destination must be an existing directory. */
  requireDirectory: boolean;
  keepOwners: boolean;
  verify: boolean;
  hooks: EntryHooks;
  /** Told which route the copy takes, and why (`--debug`). */
  onRoute?: (route: CopyRoute) => void;
  signal?: AbortSignal;
}

export interface CopyResult {
  files: number;
  bytes: number;
  /** SHA-256 per file name, both sides, when --verify was asked. */
  verified?: number;
}

export async function copyOut(request: CopyOutRequest): Promise<CopyResult> {
  const { session, destination } = request;
  const shape = shapeOf(request.sourcePath);
  const display = `${request.targetName}:${request.sourcePath}`;
  // "link/" and "link/." name the directory behind the link, as a shell would.
  const follow = request.followLink || shape.assertsDirectory;
  const source =
    (await openArchiveRoute(request, shape, follow)) ??
    (await openPack(session, {
      targetName: request.targetName,
      path: shape.clean,
      follow,
      wantTotal: request.hooks.onTotal !== undefined,
      signal: request.signal,
    }));

  let bytes = 0;
  let files = 0;
  const localHashes: FileHashes = new Map();
  /** Why the item itself was skipped (a device, a fifo): with one source, that is a failure. */
  let topSkipped: string | undefined;
  const hooks: EntryHooks = {
    ...request.hooks,
    onBytes: (n) => {
      bytes += n;
      request.hooks.onBytes?.(n);
    },
    onWarning: (name, reason) => {
      if ((name === '.' || name === '') && !request.requireDirectory) topSkipped = reason;
      else request.hooks.onWarning?.(name, reason);
    },
  };
  try {
    const entries = observeEntries(source.entries, hooks)[Symbol.asyncIterator]();
    const first = await entries.next();
    if (first.done) {
      // Nothing came: either the helper failed (said below) or the item was skipped.
      await source.finish();
      if (topSkipped !== undefined) throw nothingCopied(display, topSkipped);
      return { files: 0, bytes: 0 };
    }
    const topKind = kindOf(first.value);
    const all = prepend(first.value, entries);

    if (destination.kind === 'stream') {
      if (shape.assertsDirectory && topKind !== 'directory')
        throw new RemoraError('OPERATION_FAILED', `${display} is not a directory`, { hint: 'drop the trailing / to copy it' });
      const counted = request.verify ? hashEntries(all, localHashes) : all;
      await writeTarEntries(
        countFiles(counted, () => files++),
        destination.output,
        shape.contentsOnly ? '.' : shape.base,
      );
    } else {
      const destShape = shapeOf(destination.path);
      const state = await localState(destShape.clean);
      if (request.requireDirectory) requireDirectoryForMany({ display: destination.display, state });
      const plan = planCopy(
        { display, path: request.sourcePath, kind: topKind },
        { display: destination.display, path: destination.path, state },
      );
      // Resolved once, here: the user chose this directory, links to it included.
      const dir = decodeTargetBytes(await realpath(fsPath(plan.dir), { encoding: 'buffer' }));
      const summary = await writeLocalTree(all, {
        plan: { ...plan, dir },
        from: display,
        keepOwners: request.keepOwners,
        signal: request.signal,
      });
      files = summary.files;
      if (request.verify) for (const [name, hash] of await hashLocalFiles(summary.written)) localHashes.set(name, hash);
    }
    await source.finish();
  } catch (error) {
    throw await source.explain(error);
  }

  if (!request.verify) return { files, bytes };
  const targetHashes = await hashTargetItem(session, { targetName: request.targetName, path: shape.clean, follow, signal: request.signal });
  compareHashes(localHashes, targetHashes, display);
  return { files, bytes, verified: targetHashes.size };
}

/**
 * The archive route's source for a large regular file (core/copy-route.ts), or undefined for
 * the exec stream. The engine's own stat (one HTTP request, no exec) sorts out everything
 * else first; only a large file is then located and checked inside the target's root.
 */
async function openArchiveRoute(request: CopyOutRequest, shape: PathShape, follow: boolean): Promise<PackStream | undefined> {
  const { session, onRoute } = request;
  if (shape.assertsDirectory || shape.contentsOnly) {
    onRoute?.({ kind: 'exec', reason: 'a directory' });
    return undefined;
  }
  const seen = await session.statInTarget(shape.clean).catch(() => null);
  // The engine's stat does not follow a final link: with -L, remora-fs where tells what it leads to.
  const seenKind = seen ? kindOfEngineMode(seen.mode) : undefined;
  const early = !seen
    ? { kind: 'exec' as const, reason: 'the engine sees nothing there (a tmpfs, or no such file)' }
    : follow && seenKind === 'symlink'
      ? undefined
      : routeOfItem({ kind: seenKind ?? 'other', size: seen.size });
  if (early) {
    onRoute?.(early);
    return undefined;
  }
  const context = { targetName: request.targetName, direction: 'read' as const };
  const open = (path: string, signal?: AbortSignal): Promise<PackStream> =>
    openArchiveFile(session, { targetName: request.targetName, path, signal });
  // A large file the engine sees: its archive is asked for at once, beside `remora-fs
  // where` (the engine's answer takes as long to start as that exec takes to run), and
  // kept only if where finds that same path on a mount the archive route may read. Not
  // before the inspect of the target has its answer: dockerd holds the target's lock while
  // it sends an archive, and the inspect would wait for the whole copy.
  const unused = new AbortController();
  let asked: Promise<PackStream> | undefined;
  const ask = (): void => {
    if (unused.signal.aborted) return;
    asked = open(shape.clean, request.signal ? AbortSignal.any([request.signal, unused.signal]) : unused.signal);
    asked.catch(() => undefined);
  };
  let located: Located;
  try {
    located = await locateInTarget(session, [shape.clean], follow, context, seenKind === 'file' ? ask : undefined);
  } catch (error) {
    unused.abort();
    throw error;
  }
  const spot = located.spots[0];
  // Gone since the engine's stat: the exec stream says so in its own words.
  const route: CopyRoute = spot ? routeAt(session, itemAt(spot), spot.path, located) : { kind: 'exec', reason: 'not there any more' };
  onRoute?.(route);
  const keep = spot !== null && spot !== undefined && route.kind === 'archive' && spot.path === shape.clean;
  if (!keep) unused.abort(new RemoraError('OPERATION_FAILED', 'not needed'));
  if (!spot || route.kind !== 'archive') return undefined;
  request.hooks.onTotal?.(spot.size);
  return (keep && asked) || open(spot.path, request.signal);
}

/** `cp app:/dev/zero .`: said, and a failure, rather than exit 0 with nothing written (and never read forever). */
function nothingCopied(display: string, reason: string): RemoraError {
  const what = reason.replace(/, skipped$/, '');
  return new RemoraError('OPERATION_FAILED', `nothing was copied: ${display} is ${/^an? /.test(what) ? what : `skipped (${what})`}`, {
    hint: `remora cp copies files, directories and symbolic links; to read it, use: remora exec ${display.slice(0, display.indexOf(':'))} -- head -c SIZE /target${display.slice(display.indexOf(':') + 1)}`,
  });
}

function kindOf(entry: CopyEntry): SourceKind {
  switch (entry.record.kind) {
    case 'directory':
      return 'directory';
    case 'file':
      return 'file';
    case 'symlink':
      return 'symlink';
    default:
      return 'other';
  }
}

async function* prepend(first: CopyEntry, rest: AsyncIterator<CopyEntry>): AsyncGenerator<CopyEntry> {
  yield first;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

async function* countFiles(entries: AsyncIterable<CopyEntry>, count: () => void): AsyncGenerator<CopyEntry> {
  for await (const entry of entries) {
    if (entry.record.kind === 'file') count();
    yield entry;
  }
}

async function localState(path: string): Promise<DestinationState> {
  const found = await stat(fsPath(path)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
    throw error;
  });
  if (found) return { exists: true, isDirectory: found.isDirectory() };
  const parent = await stat(fsPath(posix.dirname(path))).catch(() => null);
  return { exists: false, parentIsDirectory: parent?.isDirectory() ?? false };
}

export function compareHashes(local: FileHashes, target: FileHashes, display: string): void {
  for (const [name, hash] of local) {
    const other = target.get(name);
    if (other !== hash) {
      throw new RemoraError(
        'OPERATION_FAILED',
        `verification failed: ${name === '.' ? display : `${display}/${name}`} differs (SHA-256 local ${hash.slice(0, 12)}, target ${other ? other.slice(0, 12) : 'missing'})`,
        {
          hint: 'the file may be changing while it is copied; copy it again',
        },
      );
    }
  }
}
