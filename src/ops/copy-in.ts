// Copy-in: local files (or a tar stream on stdin) go to `remora-fs unpack` in the toolkit,
// which writes them inside the target's root, each file by rename from a temporary, owned
// by the target's main process user unless told otherwise.
import type { Stats } from 'node:fs';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { EntryGuard } from '../core/archive-safety.js';
import { planCopy, requireDirectoryForMany, shapeOf, type DestinationState, type SourceKind } from '../core/cp-paths.js';
import { routeOfItem, type CopyRoute } from '../core/copy-route.js';
import { RemoraError } from '../core/errors.js';
import type { ToolkitSession } from '../session/toolkit-session.js';
import { encodeRecords, observeEntries, type CopyEntry, type EntryHooks, type EntrySource } from './copy-entries.js';
import { compareHashes, type CopyResult } from './copy-out.js';
import { copyFileInByArchive } from './archive-copy-in.js';
import { locateInTarget, routeAt } from './archive-route.js';
import { hashTargetItem } from './pack-stream.js';
import { startHelper, statTargetPath } from './fs-helper.js';
import { BufferPool } from './buffer-pool.js';
import { READ_CHUNK, localTreeSize, readLocalTree, statLocalSource } from './local-reader.js';
import { readTarEntries } from './tar-entries.js';
import { hashEntries, type FileHashes } from './verify.js';

export type CopyInSource =
  { kind: 'local'; /** Absolute, with its `/` or `/.` ending kept. */ path: string; display: string } | { kind: 'stream'; input: Readable };

export type Ownership = { kind: 'main-process' } | { kind: 'archive' } | { kind: 'fixed'; uid: number; gid: number };

export interface CopyInRequest {
  session: ToolkitSession;
  targetName: string;
  source: CopyInSource;
  /** Absolute path inside the target, as typed. */
  destPath: string;
  followLink: boolean;
  /** Several sources: the destination must be an existing directory. */
  requireDirectory: boolean;
  owner: Ownership;
  verify: boolean;
  hooks: EntryHooks;
  /** Told which route the copy takes, and why (`--debug`). */
  onRoute?: (route: CopyRoute) => void;
  signal?: AbortSignal;
}

export async function copyIn(request: CopyInRequest): Promise<CopyResult> {
  const { session, source } = request;
  const destDisplay = `${request.targetName}:${request.destPath}`;
  const context = { targetName: request.targetName, direction: 'write' as const };

  // Four 1 MiB read buffers, each reused once the socket write carrying it is done.
  const pool = new BufferPool(4, READ_CHUNK);
  let entries: EntrySource;
  let kind: SourceKind;
  let sourcePath: string;
  let sourceDisplay: string;
  let localInfo: Stats | undefined;
  if (source.kind === 'local') {
    const shape = shapeOf(source.path);
    const follow = request.followLink || shape.assertsDirectory;
    const info = await statLocalSource(shape.clean, follow, source.display);
    localInfo = info;
    kind = info.isDirectory() ? 'directory' : info.isFile() ? 'file' : info.isSymbolicLink() ? 'symlink' : 'other';
    if (kind === 'other') throw new RemoraError('OPERATION_FAILED', `${source.display} is not a file, directory or symbolic link`);
    sourcePath = source.path;
    sourceDisplay = source.display;
    entries = readLocalTree(shape.clean, info, pool);
    if (request.hooks.onTotal) request.hooks.onTotal(localTreeSize(shape.clean, info));
  } else {
    // A tar stream is extracted into the destination, which must be a directory.
    kind = 'directory';
    sourcePath = '/.';
    sourceDisplay = 'stdin';
    entries = readTarEntries(source.input);
  }

  const destShape = shapeOf(request.destPath);
  const parentPath = posix.dirname(destShape.clean);
  // A large regular file may go by the engine's archive API (core/copy-route.ts): then one
  // `remora-fs where`, beside the engine's inspect, tells the destination, its parent and
  // the target's mounts, in place of the two stats.
  const item = { kind, size: localInfo?.size ?? 0 };
  const early = source.kind === 'stream' ? { kind: 'exec' as const, reason: 'a tar stream' } : routeOfItem(item);
  const located = early ? undefined : await locateInTarget(session, [destShape.clean, parentPath], true, context);
  let state: DestinationState;
  if (located) {
    const [dest, parent] = located.spots;
    state = dest ? { exists: true, isDirectory: dest.type === 'dir' } : { exists: false, parentIsDirectory: parent?.type === 'dir' };
  } else {
    const found = await statTargetPath(session, destShape.clean, context);
    if (found) {
      state = { exists: true, isDirectory: found.type === 'dir' };
    } else {
      const parent = await statTargetPath(session, parentPath, context);
      state = { exists: false, parentIsDirectory: parent?.type === 'dir' };
    }
  }
  if (request.requireDirectory) requireDirectoryForMany({ display: destDisplay, state });
  if (source.kind === 'stream' && !(state.exists && state.isDirectory)) {
    throw new RemoraError('PATH_NOT_FOUND', `destination directory ${destDisplay} does not exist`, {
      hint: 'a tar stream is extracted into an existing directory',
    });
  }
  const plan = planCopy({ display: sourceDisplay, path: sourcePath, kind }, { display: destDisplay, path: request.destPath, state });

  const ownerFlags =
    request.owner.kind === 'archive'
      ? ['-a']
      : request.owner.kind === 'fixed'
        ? ['-o', `${request.owner.uid}:${request.owner.gid}`]
        : ['-p', String(session.target.rootPid)];
  const landed = plan.name === null ? plan.dir : posix.join(plan.dir, plan.name);

  if (located && localInfo && source.kind === 'local' && plan.name !== null) {
    const dirSpot = plan.dir === destShape.clean ? located.spots[0] : plan.dir === parentPath ? located.spots[1] : null;
    const route: CopyRoute =
      dirSpot?.type === 'dir' ? routeAt(session, item, dirSpot.path, located) : { kind: 'exec', reason: 'no destination directory' };
    request.onRoute?.(route);
    if (route.kind === 'archive' && dirSpot) {
      const owner =
        request.owner.kind === 'archive'
          ? { uid: localInfo.uid, gid: localInfo.gid }
          : request.owner.kind === 'fixed'
            ? { uid: request.owner.uid, gid: request.owner.gid }
            : { uid: located.uid, gid: located.gid };
      const sent = await copyFileInByArchive({
        session,
        targetName: request.targetName,
        localPath: shapeOf(source.path).clean,
        display: sourceDisplay,
        info: localInfo,
        dir: dirSpot.path,
        name: plan.name,
        owner,
        mountInfo: located.mountInfo,
        verify: request.verify,
        hooks: request.hooks,
        signal: request.signal,
      });
      if (!request.verify || sent.sha256 === undefined) return { files: 1, bytes: sent.bytes };
      const targetHashes = await hashTargetItem(session, {
        targetName: request.targetName,
        path: posix.join(dirSpot.path, plan.name),
        follow: false,
        signal: request.signal,
      });
      compareHashes(new Map([['.', sent.sha256]]), targetHashes, `${request.targetName}:${landed}`);
      return { files: 1, bytes: sent.bytes, verified: 1 };
    }
  } else if (early) {
    request.onRoute?.(early);
  }
  const helper = await startHelper(
    session,
    { command: 'unpack', flags: ownerFlags, root: session.targetRoot, paths: [plan.dir, plan.name ?? '.'] },
    { ...context, session, path: landed },
    request.signal,
  );
  const { handle } = helper;
  // Nothing is expected on stdout; reading it keeps the stream flowing to its end.
  handle.stdout.resume();

  let bytes = 0;
  let files = 0;
  const sentHashes: FileHashes = new Map();
  const guard = new EntryGuard(sourceDisplay);
  const observed = observeEntries(
    guarded(entries, guard, () => files++),
    {
      ...request.hooks,
      onBytes: (n) => {
        bytes += n;
        request.hooks.onBytes?.(n);
      },
    },
  );
  // The helper stopping early (a full tmpfs, a read-only mount) must stop the sending too:
  // the engine may keep the connection open without reading it, and a write would wait
  // for room that never comes.
  const helperEnded = new AbortController();
  handle.exitCode.then(
    () => helperEnded.abort(),
    () => helperEnded.abort(),
  );
  const sending = request.signal ? AbortSignal.any([request.signal, helperEnded.signal]) : helperEnded.signal;
  try {
    const stdin = handle.stdin;
    if (!stdin) throw new RemoraError('OPERATION_FAILED', 'the toolkit did not open stdin for the copy');
    await encodeRecords(request.verify ? hashEntries(observed, sentHashes) : observed, stdin, {
      signal: sending,
      release: (chunk) => pool.release(chunk),
    });
    stdin.end();
    const failed = await helper.failure();
    if (failed) throw failed;
  } catch (error) {
    // The helper stopping (a read-only mount, a full tmpfs) is what stopped the sending: say that.
    throw await helper.explain(error, { helperStopped: helperEnded.signal.aborted && !request.signal?.aborted });
  } finally {
    helper.release();
  }

  if (!request.verify) return { files, bytes };
  const targetHashes = await hashTargetItem(session, {
    targetName: request.targetName,
    path: landed,
    follow: false,
    signal: request.signal,
  });
  compareHashes(sentHashes, targetHashes, `${request.targetName}:${landed}`);
  return { files, bytes, verified: sentHashes.size };
}

/** Every entry passes the guard before it is sent: a user's tar may be crafted too. */
async function* guarded(entries: EntrySource, guard: EntryGuard, countFile: () => void): AsyncGenerator<CopyEntry> {
  for await (const entry of entries) {
    const { record } = entry;
    if (record.kind !== 'warning' && record.kind !== 'total' && record.kind !== 'end') {
      guard.admit({ name: record.name, kind: record.kind, linkName: record.link });
    }
    if (record.kind === 'file') countFile();
    yield entry;
  }
}
