// Copy-in by the archive route (core/copy-route.ts says when): the engine writes the file
// into the target's own filesystem (`PUT /containers/<target>/archive`, docker cp's path,
// no exec relay), under a temporary name in a directory remora-fs resolved inside the
// target's root; then remora-fs renames it onto the final name, confined again. The file's
// bytes stream from disk behind a tar header written here: nothing is buffered whole.
// A copy that fails, is interrupted or whose remora is SIGKILLed has its temporary removed
// by remora-fs land, which waits beside the upload (the sweep of stale temporaries in
// remora-fs-tree.inc takes whatever a stopped toolkit could not remove).
import { createHash, randomInt } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { RemoraError } from '../core/errors.js';
import { describeMount, mountContaining, type MountInfo } from '../core/mount-info.js';
import { encodeFileHeader, TAR_END_BYTES, tarPadding } from '../core/tar-header.js';
import { fsPath } from '../core/target-text.js';
import type { ToolkitSession } from '../session/toolkit-session.js';
import type { EntryHooks } from './copy-entries.js';
import { startHelper } from './fs-helper.js';

export interface ArchiveCopyInRequest {
  session: ToolkitSession;
  targetName: string;
  /** The local regular file (absolute) and how the user named it. */
  localPath: string;
  display: string;
  info: Stats;
  /** The destination directory, resolved inside the target's root (remora-fs where). */
  dir: string;
  /** The final name in it. */
  name: string;
  owner: { uid: number; gid: number };
  /** The target's mount table, to name the mount a failure happened on. */
  mountInfo: MountInfo[];
  verify: boolean;
  hooks: EntryHooks;
  signal?: AbortSignal;
}

export interface ArchiveCopyInResult {
  bytes: number;
  /** SHA-256 of the bytes sent (with verify). */
  sha256?: string;
}

/** A temporary name the sweep of stale temporaries knows (remora-fs-tree.inc: is_temp_name). */
export function archiveTemporaryName(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += alphabet[randomInt(alphabet.length)];
  return `.remora-tmp-${suffix}`;
}

export async function copyFileInByArchive(request: ArchiveCopyInRequest): Promise<ArchiveCopyInResult> {
  const { session, info, signal } = request;
  const temporary = archiveTemporaryName();
  const landed = posix.join(request.dir, request.name);
  const where = `${request.targetName}:${landed}`;
  const hash = request.verify ? createHash('sha256') : undefined;
  let bytes = 0;

  const size = info.size;
  const header = encodeFileHeader({
    name: temporary,
    size,
    mode: info.mode,
    uid: request.owner.uid,
    gid: request.owner.gid,
    mtimeMs: info.mtimeMs,
  });
  async function* tar(): AsyncGenerator<Buffer> {
    yield header;
    // Exactly the size the header promised: a file that grows is cut there, one that shrinks fails the copy.
    for await (const chunk of createReadStream(fsPath(request.localPath), { start: 0, end: size - 1, highWaterMark: 1024 * 1024 })) {
      const data = chunk as Buffer;
      hash?.update(data);
      bytes += data.length;
      request.hooks.onBytes?.(data.length);
      yield data;
    }
    if (bytes !== size)
      throw new RemoraError('OPERATION_FAILED', `${request.display} shrank while it was copied (${bytes} of ${size} bytes)`, {
        hint: 'copy it again once nothing writes to it',
      });
    yield Buffer.alloc(tarPadding(size) + TAR_END_BYTES);
  }
  const upload = Readable.from(tar(), { objectMode: false });
  const stop = (reason: unknown): void => {
    upload.destroy(reason instanceof Error ? reason : new RemoraError('OPERATION_FAILED', 'interrupted'));
  };
  const abort = (): void => stop(signal?.reason);
  signal?.addEventListener('abort', abort, { once: true });

  // remora-fs land runs beside the PUT, started at the same time: told "land" it renames
  // the temporary onto the final name inside the root; its stdin ending unsaid (a failure,
  // Ctrl-C, remora SIGKILLed: the engine closes it) makes it remove the temporary instead.
  const context = { session, targetName: request.targetName, direction: 'write' as const, path: landed };
  let landing = false;
  let saidLanded: Promise<boolean> | undefined;
  const starting = startHelper(
    session,
    { command: 'land', root: session.targetRoot, paths: [request.dir, temporary, request.name] },
    context,
    undefined,
  );
  // The guard stopping early (the directory cannot be written) stops the upload too.
  starting.then(
    (guard) => {
      saidLanded = waitForLanded(guard.handle.stdout);
      const stopped = (): void => {
        if (!landing) stop(new RemoraError('OPERATION_FAILED', 'the toolkit stopped the copy'));
      };
      guard.handle.exitCode.then(stopped, stopped);
    },
    (error: unknown) => stop(error),
  );
  let putFailure: unknown;
  try {
    signal?.throwIfAborted();
    await session.putIntoTarget(request.dir, upload);
  } catch (error) {
    putFailure = error;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
  const guard = await starting;
  try {
    if (putFailure === undefined) {
      landing = true;
      guard.handle.stdin?.end('land\n');
      // "landed" is said once the rename is done; the helper then frees the file it replaced,
      // which no longer concerns the copy (remora-fs.c: land). An older helper only exits.
      if (await saidLanded) {
        guard.handle.detach();
        return { bytes, sha256: hash?.digest('hex') };
      }
      const failed = await guard.failure();
      if (failed) throw failed;
      return { bytes, sha256: hash?.digest('hex') };
    }
    guard.handle.stdin?.end();
    const failed = await guard.failure();
    if (signal?.aborted) throw signal.reason;
    // The guard's own failure (a read-only directory, no permission) says more than the broken upload.
    if (failed && !/the copy did not finish/.test(failed.message)) throw failed;
    throw explainPutFailure(putFailure, where, mountContaining(request.dir, request.mountInfo));
  } finally {
    guard.release();
  }
}

/** Whether remora-fs land printed "landed" before its stdout ended. */
function waitForLanded(stdout: Readable): Promise<boolean> {
  return new Promise((resolve) => {
    let said = '';
    stdout.setEncoding('utf8');
    stdout.on('data', (text: string) => {
      said = (said + text).slice(-64);
      if (said.includes('landed\n')) resolve(true);
    });
    stdout.once('end', () => resolve(false));
    stdout.once('error', () => resolve(false));
    stdout.once('close', () => resolve(false));
  });
}

function explainPutFailure(error: unknown, where: string, mount: MountInfo | undefined): unknown {
  if (error instanceof RemoraError && error.code !== 'ENGINE_ERROR' && error.code !== 'TOOLKIT_IMAGE_UNAVAILABLE') return error;
  const text = error instanceof Error ? error.message.replace(/^the engine refused: /, '') : String(error);
  if (/no space left on device|disk quota exceeded/i.test(text)) {
    return new RemoraError('NO_SPACE', `no space left on ${mount ? describeMount(mount) : 'the device'} writing ${where}`, {
      hint: 'free some space there, or copy somewhere else',
      cause: error,
    });
  }
  return new RemoraError('OPERATION_FAILED', `cannot write ${where}: the engine's archive API failed: ${text}`, {
    hint: "copy again; --debug shows the route and the engine's answer",
    cause: error,
  });
}
