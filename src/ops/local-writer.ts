// Writes the entries of a copy-out below one local directory, and nowhere else: every name
// passes the EntryGuard, no existing symlink below the destination is ever followed, files
// and links land by rename from a temporary name in the same directory (a partial file
// never takes the final name), and every temporary is removed on any failure. Names are
// bytes: one that is not UTF-8 is written as the bytes it had in the target (fsPath).
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  constants as fsConstants,
  fchmodSync,
  fchownSync,
  futimesSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeSync,
  unlinkSync,
  type Stats,
} from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { EntryGuard } from '../core/archive-safety.js';
import { placeEntry, type CopyPlan } from '../core/cp-paths.js';
import { RemoraError } from '../core/errors.js';
import type { FsRecord } from '../core/fs-records.js';
import { fsPath } from '../core/target-text.js';
import type { EntrySource } from './copy-entries.js';

export interface LocalWriteOptions {
  /** `plan.dir` is an existing, absolute, already resolved directory. */
  plan: CopyPlan;
  /** Where the entries come from, for messages (`app:/var/log`). */
  from: string;
  /** Give files the owners recorded in the stream (as root: `--archive`). */
  keepOwners: boolean;
  signal?: AbortSignal;
}

export interface WriteSummary {
  files: number;
  bytes: number;
  /** Local paths of the regular files written, by entry name (for --verify). */
  written: Map<string, string>;
}

/** Temporary names are hidden and recognisable, so a SIGKILLed copy's leftover is obvious. */
export function temporaryName(): string {
  return `.remora-${randomBytes(6).toString('hex')}.tmp`;
}

export async function writeLocalTree(entries: EntrySource, options: LocalWriteOptions): Promise<WriteSummary> {
  const { plan, signal } = options;
  const guard = new EntryGuard(options.from);
  const temporaries = new Set<string>();
  /** Directories below plan.dir known to be real directories (made or checked by us). */
  const knownDirectories = new Set<string>(['']);
  const directoryAttributes: Array<{ path: string; record: FsRecord }> = [];
  const summary: WriteSummary = { files: 0, bytes: 0, written: new Map() };

  // Metadata and small files use synchronous calls: each is a few microseconds of system
  // call, where a trip through libuv's thread pool costs far more. 20,000 small files
  // took three times as long as docker cp that way. Large files stay asynchronous, so the
  // engine's stream keeps flowing while they are written.

  /** Makes sure every parent of `relative` is a real directory, creating missing ones. */
  const ensureParents = (relative: string): void => {
    const parts = relative.split('/');
    let current = '';
    for (let i = 0; i < parts.length - 1; i++) {
      current = current ? `${current}/${parts[i]}` : (parts[i] as string);
      if (knownDirectories.has(current)) continue;
      const path = join(plan.dir, current);
      const found = lstatOrNull(path);
      if (!found) mkdirSync(fsPath(path), { mode: 0o755 });
      else if (found.isSymbolicLink()) throw refusedLink(path);
      else if (!found.isDirectory()) throw new RemoraError('OPERATION_FAILED', `cannot write below ${path}: it is not a directory`);
      knownDirectories.add(current);
    }
  };

  /**
   * rename() replaces a file or a symlink at the final name, never what a symlink points to.
   * No fsync before it, as docker cp does none: a power cut may lose a copy just finished
   * (the README says so). Flushing each file would wait for the disk: 512 MiB written by
   * dd took 0.25 s here, 0.50 s with its fsync.
   */
  const landByRename = (temporary: string, final: string, bytes = 0): void => {
    try {
      if (bytes >= UNLINK_FIRST_BYTES) unlinkOldFile(final);
      renameSync(fsPath(temporary), fsPath(final));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST')
        throw new RemoraError('OPERATION_FAILED', `cannot overwrite the directory ${final} with a file`, { cause: error });
      throw error;
    }
    temporaries.delete(temporary);
  };

  const writeFile = async (
    record: FsRecord,
    data: AsyncIterable<Buffer> | null,
    temporary: string,
    release?: (chunk: Buffer) => void,
  ): Promise<void> => {
    temporaries.add(temporary);
    const flags = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW;
    if (record.size <= SMALL_FILE_BYTES) {
      const chunks: Buffer[] = [];
      if (data) for await (const chunk of data) chunks.push(chunk);
      signal?.throwIfAborted();
      const fd = openSync(fsPath(temporary), flags, 0o600);
      try {
        for (const chunk of chunks) writeAllSync(fd, chunk);
        if (options.keepOwners) fchownSync(fd, record.uid, record.gid);
        fchmodSync(fd, record.mode);
        futimesSync(fd, new Date(), new Date(record.mtimeMs));
      } finally {
        closeSync(fd);
      }
      summary.bytes += record.size;
      return;
    }
    const handle = await open(fsPath(temporary), flags, 0o600);
    try {
      if (data) {
        // Gathered into 1 MiB writes: one disk write per 32 KiB frame costs seconds per GiB.
        let pending: Buffer[] = [];
        let pendingLength = 0;
        for await (const chunk of data) {
          signal?.throwIfAborted();
          pending.push(chunk);
          pendingLength += chunk.length;
          if (pendingLength >= WRITE_BATCH_BYTES) {
            await writeAll(handle, pending);
            if (release) pending.forEach(release);
            summary.bytes += pendingLength;
            pending = [];
            pendingLength = 0;
          }
        }
        await writeAll(handle, pending);
        if (release) pending.forEach(release);
        summary.bytes += pendingLength;
      }
      if (options.keepOwners) await handle.chown(record.uid, record.gid);
      await handle.chmod(record.mode);
      await handle.utimes(new Date(), new Date(record.mtimeMs));
    } finally {
      await handle.close();
    }
  };

  try {
    for await (const { record, data, release } of entries) {
      signal?.throwIfAborted();
      if (record.kind === 'warning' || record.kind === 'total' || record.kind === 'end') continue;
      guard.admit({ name: record.name, kind: record.kind, linkName: record.link });
      const relative = placeEntry(plan, record.name);
      if (relative !== '.') ensureParents(relative);
      const final = relative === '.' ? plan.dir : join(plan.dir, relative);
      const parent = relative === '.' ? plan.dir : join(final, '..');

      if (record.kind === 'directory') {
        if (relative !== '.') {
          const existing = lstatOrNull(final);
          if (!existing) mkdirSync(fsPath(final), { mode: 0o700 });
          else if (existing.isSymbolicLink()) throw refusedLink(final);
          else if (!existing.isDirectory())
            throw new RemoraError('OPERATION_FAILED', `cannot overwrite the file ${final} with a directory`);
          knownDirectories.add(relative);
          // Modes and times of directories go on last: a read-only one must still take its
          // children. The existing directory a `dir/.` merges into keeps its own, as with docker cp.
          directoryAttributes.push({ path: final, record });
        }
        continue;
      }

      const temporary = join(parent, temporaryName());
      if (record.kind === 'file') {
        await writeFile(record, data, temporary, release);
        landByRename(temporary, final, record.size);
        summary.files += 1;
        summary.written.set(record.name, final);
      } else if (record.kind === 'symlink') {
        temporaries.add(temporary);
        symlinkSync(fsPath(record.link), fsPath(temporary));
        try {
          lutimesSync(fsPath(temporary), new Date(), new Date(record.mtimeMs));
        } catch {
          // Not every file system keeps times on symlinks; the link itself is what matters.
        }
        landByRename(temporary, final);
      } else if (record.kind === 'hardlink') {
        // The guard admitted the link only if it names a file this copy wrote.
        temporaries.add(temporary);
        linkSync(fsPath(join(plan.dir, placeEntry(plan, record.link))), fsPath(temporary));
        landByRename(temporary, final);
      }
    }
    // Deepest first, so setting a parent's time is not undone by touching a child.
    for (const { path, record } of directoryAttributes.reverse()) {
      if (options.keepOwners) chownSync(fsPath(path), record.uid, record.gid);
      chmodSync(fsPath(path), record.mode);
      utimesSync(fsPath(path), new Date(), new Date(record.mtimeMs));
    }
    return summary;
  } catch (error) {
    throw translateLocalError(error);
  } finally {
    for (const path of temporaries) rmSync(fsPath(path), { force: true });
  }
}

/** Files up to this size are gathered in memory and written with one synchronous call. */
const SMALL_FILE_BYTES = 256 * 1024;

/**
 * A file this large lands on a free name: ext4 (auto_da_alloc) starts writing out a file
 * renamed onto an existing one before the rename returns, 270-300 ms for 512 MiB here,
 * and much less for a small file.
 */
const UNLINK_FIRST_BYTES = 8 * 1024 * 1024;

/**
 * Removes the file (or symlink) a large copy is about to replace; the name is missing only
 * until the rename that follows. Best effort: where it fails, the rename replaces it.
 */
function unlinkOldFile(final: string): void {
  try {
    unlinkSync(fsPath(final));
  } catch {
    // Nothing there, or a directory (unlink refuses it): the rename says what is wrong, if anything is.
  }
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(fsPath(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function writeAllSync(fd: number, chunk: Buffer): void {
  let offset = 0;
  while (offset < chunk.length) offset += writeSync(fd, chunk, offset, chunk.length - offset);
}

const WRITE_BATCH_BYTES = 1024 * 1024;

async function writeAll(handle: FileHandle, chunks: Buffer[]): Promise<void> {
  let left = chunks;
  while (left.length > 0) {
    const { bytesWritten } = await handle.writev(left);
    // A short write (rare on regular files) continues where it stopped.
    let skip = bytesWritten;
    const rest: Buffer[] = [];
    for (const chunk of left) {
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      rest.push(skip > 0 ? chunk.subarray(skip) : chunk);
      skip = 0;
    }
    left = rest;
  }
}

function refusedLink(path: string): RemoraError {
  return new RemoraError('PATH_OUTSIDE_ROOT', `refused to write through the symbolic link ${path} in the destination`, {
    hint: 'copy into a directory without symbolic links in the way',
  });
}

/** Local failures, said in one line with the path that failed. */
export function translateLocalError(error: unknown): unknown {
  if (error instanceof RemoraError || (error as Error)?.name === 'AbortError') return error;
  const errno = error as NodeJS.ErrnoException;
  const where = errno.path ?? '';
  switch (errno.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new RemoraError('NO_SPACE', `no space left on the local device writing ${where}`, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new RemoraError('PERMISSION_DENIED', `permission denied writing ${where}`, { cause: error });
    case 'EROFS':
      return new RemoraError('READ_ONLY', `${where} is on a read-only file system`, { cause: error });
    case 'ENOENT':
      return new RemoraError('PATH_NOT_FOUND', `${where} disappeared during the copy`, { cause: error });
    default:
      return error;
  }
}
