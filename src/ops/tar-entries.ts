// `-` on the local side: copy entries to a tar stream (copy-out to stdout) and a tar
// stream to copy entries (copy-in from stdin), with tar-stream doing the tar. Names are
// laid out as `docker cp` lays them out: `dir/...`, or `./...` for `dir/.`.
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import tarStream from 'tar-stream';
import { normalizeTarName } from '../core/archive-safety.js';
import type { FsRecord } from '../core/fs-records.js';
import { RemoraError } from '../core/errors.js';
import { decodeTargetBytes } from '../core/target-text.js';
import type { CopyEntry, EntrySource } from './copy-entries.js';
import { rawNamed, readRawNames, writeRawNames } from './tar-raw-names.js';
import { warning } from './local-reader.js';

/** Entries of a user's tar stream, below a synthetic top directory (the destination). */
export async function* readTarEntries(input: Readable): AsyncGenerator<CopyEntry> {
  // Names as bytes (latin1 is one char per byte), decoded below so `caf\xe9` survives.
  // (tar-stream takes the option; its types do not name it.)
  const extract = tarStream.extract({ filenameEncoding: 'latin1' } as Parameters<typeof tarStream.extract>[0]);
  readRawNames(extract);
  input.once('error', (error) => extract.destroy(error));
  input.pipe(extract);
  yield {
    record: { kind: 'directory', mode: 0o755, uid: 0, gid: 0, mtimeMs: Date.now(), name: '.', link: '', size: 0, flags: 0 },
    data: null,
  };
  try {
    for await (const entry of extract) {
      const header = withByteNames(entry.header);
      const drained = new Promise<void>((resolve) => {
        entry.once('end', () => resolve());
        entry.once('close', () => resolve());
      });
      const name = normalizeTarName(header.name);
      const base: FsRecord = {
        kind: 'file',
        mode: (header.mode ?? 0o644) & 0o7777,
        uid: header.uid ?? 0,
        gid: header.gid ?? 0,
        mtimeMs: header.mtime ? header.mtime.getTime() : Date.now(),
        name,
        link: '',
        size: 0,
        flags: 0,
      };
      switch (header.type) {
        case 'file':
        case 'contiguous-file':
          yield { record: { ...base, size: header.size ?? 0 }, data: entry as unknown as AsyncIterable<Buffer> };
          break;
        case 'directory':
          yield { record: { ...base, kind: 'directory' }, data: null };
          break;
        case 'symlink':
          yield { record: { ...base, kind: 'symlink', link: header.linkname ?? '' }, data: null };
          break;
        case 'link':
          yield { record: { ...base, kind: 'hardlink', link: normalizeTarName(header.linkname ?? '') }, data: null };
          break;
        default:
          yield { record: warning(name, `${describeTarType(header.type)}, skipped`), data: null };
      }
      // Whatever the consumer did not read of this entry is skipped before the next.
      entry.resume();
      await drained;
    }
  } catch (error) {
    if (error instanceof RemoraError) throw error;
    throw new RemoraError('OPERATION_FAILED', `the tar stream on stdin is not a valid tar archive: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Header names back from latin1 to their bytes, then to text that keeps bytes that are not
 * UTF-8. A name from a pax record is already that text (see readRawNames).
 */
function withByteNames(header: tarStream.Header): tarStream.Header {
  const pax = (header.pax ?? {}) as { path?: string; linkpath?: string };
  const fromBytes = (text: string) => decodeTargetBytes(Buffer.from(text, 'latin1'));
  const linkname = header.linkname && !pax.linkpath ? fromBytes(header.linkname) : header.linkname;
  return { ...header, name: pax.path ? header.name : fromBytes(header.name), linkname };
}

function describeTarType(type: string | null | undefined): string {
  switch (type) {
    case 'character-device':
      return 'a character device';
    case 'block-device':
      return 'a block device';
    case 'fifo':
      return 'a fifo';
    default:
      return `an unsupported entry (${type})`;
  }
}

/**
 * Writes entries as a tar stream: the top entry is named `top` (`.` for contents only, as
 * `docker cp dir/. -` does). Leaves the output open (it is stdout); follows its backpressure.
 */
export async function writeTarEntries(entries: EntrySource, output: Writable, top: string): Promise<void> {
  const pack = tarStream.pack();
  writeRawNames(pack);
  const piped = pipeInto(pack, output);
  const packing = packEntries(pack, entries, top);
  // Whichever fails first ends the copy: an output whose reader went away (`| head`) stops
  // the packing, instead of failing later as nobody's rejection.
  piped.catch(() => undefined);
  packing.catch(() => undefined);
  try {
    await Promise.race([packing.then(() => piped), piped.then(() => packing)]);
  } catch (error) {
    pack.destroy(error as Error);
    throw error;
  }
}

async function packEntries(pack: tarStream.Pack, entries: EntrySource, top: string): Promise<void> {
  for await (const { record, data } of entries) {
    if (record.kind === 'warning' || record.kind === 'total' || record.kind === 'end') continue;
    const name = tarName(top, record.name, record.kind === 'directory');
    const header: Partial<tarStream.Header> & { name: string } = {
      name,
      mode: record.mode,
      uid: record.uid,
      gid: record.gid,
      mtime: new Date(record.mtimeMs),
    };
    if (record.kind === 'directory') {
      await addEntry(pack, rawNamed({ ...header, type: 'directory' }));
    } else if (record.kind === 'symlink') {
      await addEntry(pack, rawNamed({ ...header, type: 'symlink', linkname: record.link }));
    } else if (record.kind === 'hardlink') {
      await addEntry(pack, rawNamed({ ...header, type: 'link', linkname: tarName(top, record.link, false) }));
    } else {
      const sink = pack.entry(rawNamed({ ...header, type: 'file', size: record.size }));
      const finished = new Promise<void>((resolve, reject) => {
        sink.once('finish', resolve);
        sink.once('close', resolve);
        sink.once('error', reject);
      });
      if (data) {
        for await (const chunk of data) {
          if (!sink.write(chunk)) await once(sink, 'drain');
        }
      }
      sink.end(null);
      await finished;
    }
  }
  pack.finalize();
}

function tarName(top: string, name: string, directory: boolean): string {
  const joined = name === '.' ? top : top === '.' ? `./${name}` : `${top}/${name}`;
  return directory ? `${joined}/` : joined;
}

function addEntry(pack: tarStream.Pack, header: Partial<tarStream.Header> & { name: string }): Promise<void> {
  return new Promise((resolve, reject) => pack.entry(header, (error) => (error ? reject(error) : resolve())));
}

/** Pipes the pack into the output with backpressure; resolves when everything is written. */
function pipeInto(pack: tarStream.Pack, output: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.on('data', (chunk: unknown) => {
      if (!output.write(chunk as Buffer)) {
        pack.pause();
        output.once('drain', () => pack.resume());
      }
    });
    pack.once('end', resolve);
    pack.once('error', reject);
    output.once('error', reject);
  });
}
