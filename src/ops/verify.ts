// --verify: SHA-256 of every regular file, per entry name, on each side of a copy. The
// local side is hashed from disk after the copy (or from the bytes streamed, for `-`);
// the target side by reading the item again through the toolkit.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { fsPath } from '../core/target-text.js';
import type { CopyEntry } from './copy-entries.js';

export type FileHashes = Map<string, string>;

/** Passes entries through, hashing each file's data as it goes by. */
export async function* hashEntries(entries: AsyncIterable<CopyEntry>, into: FileHashes): AsyncGenerator<CopyEntry> {
  for await (const entry of entries) {
    const { record, data } = entry;
    if (record.kind !== 'file' || !data) {
      yield entry;
      continue;
    }
    const hash = createHash('sha256');
    yield {
      record,
      data: {
        async *[Symbol.asyncIterator]() {
          for await (const chunk of data) {
            hash.update(chunk);
            yield chunk;
          }
          into.set(record.name, hash.digest('hex'));
        },
      },
    };
    // A consumer that skipped the data (it never reached the end) hashes nothing here.
    if (!into.has(record.name)) {
      for await (const chunk of data) hash.update(chunk);
      into.set(record.name, hash.digest('hex'));
    }
  }
}

export async function hashLocalFiles(files: Map<string, string>): Promise<FileHashes> {
  const hashes: FileHashes = new Map();
  for (const [name, path] of files) {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(fsPath(path), { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
    hashes.set(name, hash.digest('hex'));
  }
  return hashes;
}
