// Reads a local file or tree as copy entries for a copy-in: symlinks stay symlinks (the
// top one is followed with -L), hard links are sent once, fifos, sockets and devices are
// skipped with a warning naming each, and file data streams in large reads. Names are
// read as bytes and kept exact, whatever their encoding (core/target-text.ts).
import { lstatSync, readdirSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { lstat, open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { RemoraError } from '../core/errors.js';
import type { FsRecord } from '../core/fs-records.js';
import { decodeTargetBytes, fsPath } from '../core/target-text.js';
import type { BufferPool } from './buffer-pool.js';
import type { CopyEntry } from './copy-entries.js';

export const READ_CHUNK = 1024 * 1024;

export async function statLocalSource(path: string, follow: boolean, display: string): Promise<Stats> {
  try {
    return follow ? await stat(fsPath(path)) : await lstat(fsPath(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new RemoraError('PATH_NOT_FOUND', `${display} does not exist`, { cause: error });
    if (code === 'ENOTDIR') throw new RemoraError('OPERATION_FAILED', `${display} is not a directory`, { cause: error });
    if (code === 'EACCES') throw new RemoraError('PERMISSION_DENIED', `permission denied reading ${display}`, { cause: error });
    if (code === 'ELOOP') throw new RemoraError('OPERATION_FAILED', `${display}: too many levels of symbolic links`, { cause: error });
    throw error;
  }
}

/** Total bytes of the regular files below a path (for progress and ETA). */
export function localTreeSize(path: string, top: Stats): number {
  if (top.isFile()) return top.size;
  if (!top.isDirectory()) return 0;
  let total = 0;
  let names: string[];
  try {
    names = readNames(path);
  } catch {
    return 0; // said when the copy itself reaches it
  }
  for (const name of names) {
    const child = join(path, name);
    try {
      total += localTreeSize(child, lstatSync(fsPath(child)));
    } catch {
      // gone since readdir
    }
  }
  return total;
}

/**
 * Entries for one local source; `.` is the source itself. Metadata and small files are
 * read with synchronous calls (a thread-pool round trip per call costs more than the call),
 * large files stream in 1 MiB reads, into the pool's buffers when one is given (the
 * consumer releases each chunk once written).
 */
export async function* readLocalTree(path: string, top: Stats, pool?: BufferPool): AsyncGenerator<CopyEntry> {
  const hardLinks = new Map<string, string>();
  function* visit(local: string, name: string, info: Stats): Generator<CopyEntry> {
    const base = {
      mode: info.mode & 0o7777,
      uid: info.uid,
      gid: info.gid,
      mtimeMs: Math.floor(info.mtimeMs),
      name,
      link: '',
      size: 0,
      flags: 0,
    };
    if (info.isDirectory()) {
      yield { record: { ...base, kind: 'directory' }, data: null };
      let children: string[];
      try {
        children = readNames(local);
      } catch (error) {
        throw readFailure(error as NodeJS.ErrnoException, local);
      }
      // Sorted, so two copies of one tree send the same stream.
      for (const child of children.sort()) {
        const childPath = join(local, child);
        let childInfo: Stats;
        try {
          childInfo = lstatSync(fsPath(childPath));
        } catch {
          continue; // gone since readdir: nothing to copy
        }
        yield* visit(childPath, name === '.' ? child : `${name}/${child}`, childInfo);
      }
    } else if (info.isSymbolicLink()) {
      yield {
        record: { ...base, kind: 'symlink', link: decodeTargetBytes(readlinkSync(fsPath(local), { encoding: 'buffer' })) },
        data: null,
      };
    } else if (info.isFile()) {
      const key = `${info.dev}:${info.ino}`;
      const first = info.nlink > 1 ? hardLinks.get(key) : undefined;
      if (first !== undefined) {
        yield { record: { ...base, kind: 'hardlink', link: first }, data: null };
        return;
      }
      if (info.nlink > 1) hardLinks.set(key, name);
      yield {
        record: { ...base, kind: 'file', size: info.size },
        data: info.size <= SMALL_FILE_BYTES ? smallFileData(local, info.size) : fileData(local, info.size, pool),
      };
    } else {
      yield { record: warning(name, `${kindOf(info)}, skipped`), data: null };
    }
  }
  yield* visit(path, '.', top);
}

const SMALL_FILE_BYTES = 256 * 1024;

/** A directory's names as their bytes were (Node's strings would turn `caf\xe9` and `caf\xe8` into one name). */
function readNames(path: string): string[] {
  return readdirSync(fsPath(path), { encoding: 'buffer' }).map(decodeTargetBytes);
}

/** A small file in one read, cut or zero-padded to the size announced (see fileData). */
async function* smallFileData(path: string, size: number): AsyncGenerator<Buffer> {
  let content: Buffer;
  try {
    content = readFileSync(fsPath(path));
  } catch (error) {
    throw readFailure(error as NodeJS.ErrnoException, path);
  }
  if (content.length === size) yield content;
  else if (content.length > size) yield content.subarray(0, size);
  else yield Buffer.concat([content, Buffer.alloc(size - content.length)]);
}

/**
 * Exactly `size` bytes of a file: a file that grows while it is read is cut at the size
 * announced, one that shrinks is padded with zeros (as tar does), so the stream stays whole.
 */
async function* fileData(path: string, size: number, pool?: BufferPool): AsyncGenerator<Buffer> {
  let left = size;
  let file: FileHandle | undefined;
  try {
    file = await open(fsPath(path), 'r');
    while (left > 0) {
      const buffer = pool ? pool.take() : Buffer.allocUnsafe(READ_CHUNK);
      const want = Math.min(left, buffer.length);
      const { bytesRead } = await file.read(buffer, 0, want, size - left);
      if (bytesRead === 0) {
        pool?.release(buffer);
        break; // shrank while read: padded below
      }
      left -= bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } catch (error) {
    throw readFailure(error as NodeJS.ErrnoException, path);
  } finally {
    await file?.close();
  }
  while (left > 0) {
    const zeros = Buffer.alloc(Math.min(left, READ_CHUNK));
    left -= zeros.length;
    yield zeros;
  }
}

function readFailure(error: NodeJS.ErrnoException, path: string): Error {
  if (error.code === 'EACCES' || error.code === 'EPERM')
    return new RemoraError('PERMISSION_DENIED', `permission denied reading ${path}`, { cause: error });
  return error;
}

export function warning(name: string, reason: string): FsRecord {
  return { kind: 'warning', mode: 0, uid: 0, gid: 0, mtimeMs: 0, name, link: reason, size: 0, flags: 0 };
}

function kindOf(info: Stats): string {
  if (info.isFIFO()) return 'a fifo';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}
