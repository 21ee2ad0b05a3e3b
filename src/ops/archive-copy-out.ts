// Copy-out by the archive route (core/copy-route.ts says when): once remora-fs has resolved
// and checked the file inside the target's root, the engine reads it (`GET
// /containers/<target>/archive`, docker cp's path, no exec relay). What the engine sends is
// the target's content, so untrusted: one regular file of the name asked for, or the copy
// fails. Its bytes go on as the one entry of the copy, named "." (the item itself): the
// local side decides where it lands (local-writer.ts, temporary name then rename).
import type { Readable } from 'node:stream';
import { RemoraError } from '../core/errors.js';
import { decodeTarHeader, parsePaxRecords, TAR_BLOCK, tarPadding, type DecodedTarHeader } from '../core/tar-header.js';
import { decodeTargetBytes, terminalSafe } from '../core/target-text.js';
import type { ReusableChunks } from '../engine/types.js';
import type { ToolkitSession } from '../session/toolkit-session.js';
import { ByteReader, type CopyEntry } from './copy-entries.js';
import type { PackStream } from './pack-stream.js';

export interface ArchiveFileOptions {
  targetName: string;
  /** The file, resolved inside the target's root (remora-fs where). */
  path: string;
  signal?: AbortSignal;
}

export async function openArchiveFile(session: ToolkitSession, options: ArchiveFileOptions): Promise<PackStream> {
  const display = `${options.targetName}:${options.path}`;
  options.signal?.throwIfAborted();
  let response: Readable & Partial<ReusableChunks>;
  try {
    response = await session.getFromTarget(options.path, options.signal);
  } catch (error) {
    throw engineFailure(error, display);
  }
  // Closed without an error: the reader may not be reading yet (nothing would hear it). The
  // reader then comes up short, and explain() gives the signal's reason.
  const abort = (): void => void response.destroy();
  if (options.signal?.aborted) {
    abort();
    throw options.signal.reason;
  }
  options.signal?.addEventListener('abort', abort, { once: true });
  const state = { complete: false };
  const base = options.path.slice(options.path.lastIndexOf('/') + 1);
  return {
    entries: fileEntries(response, base, display, state),
    async finish() {
      options.signal?.removeEventListener('abort', abort);
      if (!state.complete) throw cutShort(display);
      // The end blocks the engine may still send: read, so its connection can be used again.
      response.resume();
    },
    async explain(error) {
      options.signal?.removeEventListener('abort', abort);
      response.destroy();
      if (options.signal?.aborted) return options.signal.reason;
      return error instanceof RemoraError ? error : engineFailure(error, display);
    },
  };
}

/** Longest pax header or GNU long name accepted: names are at most PATH_MAX. */
const MAX_META_BYTES = 64 * 1024;
const PIECE_BYTES = 1024 * 1024;

/**
 * The one file of the engine's tar, read here rather than by a tar library: tar-stream
 * moved 512 MiB three times slower than the engine sent it. Headers are checked (checksum,
 * numbers, pax records), and anything but one regular file of the name asked for fails.
 */
async function* fileEntries(
  response: Readable & Partial<ReusableChunks>,
  base: string,
  display: string,
  state: { complete: boolean },
): AsyncGenerator<CopyEntry> {
  const reader = new ByteReader(response);
  const release = response.release?.bind(response);
  // A connection lost midway ends the response without an error: reads then come up short.
  // Headers and padding are copied out, so their chunk can be read into again.
  const exact = async (n: number): Promise<Buffer> => {
    const bytes = await reader.read(n);
    if (bytes.length !== n) throw cutShort(display);
    const copy = Buffer.from(bytes);
    release?.(bytes);
    return copy;
  };
  const skipPadding = (size: number): Promise<Buffer> => exact(tarPadding(size));
  let pax = new Map<string, Buffer>();
  let longName: Buffer | undefined;
  let seen = false;
  for (;;) {
    let header: DecodedTarHeader | null;
    try {
      header = decodeTarHeader(await exact(TAR_BLOCK));
    } catch (error) {
      if (error instanceof RemoraError) throw error;
      throw untrusted(display, `is not a valid tar (${(error as Error).message})`);
    }
    if (header === null) {
      if (!seen) throw untrusted(display, 'is empty');
      state.complete = true;
      return;
    }
    if (header.type === 'x' || header.type === 'g' || header.type === 'L') {
      if (header.size > MAX_META_BYTES) throw untrusted(display, 'has an oversized extended header');
      const data = await exact(header.size);
      await skipPadding(header.size);
      if (header.type === 'L') longName = data.subarray(0, data.indexOf(0) < 0 ? data.length : data.indexOf(0));
      else if (header.type === 'x') {
        try {
          pax = parsePaxRecords(data);
        } catch (error) {
          throw untrusted(display, `has ${(error as Error).message}`);
        }
      }
      continue;
    }
    if (seen) throw untrusted(display, 'holds more than the one file asked for');
    if (header.type !== '0' && header.type !== '7')
      throw untrusted(display, `holds an entry of type ${JSON.stringify(header.type)}, not a file`);
    const name = decodeTargetBytes(pax.get('path') ?? longName ?? header.name);
    if (name !== base) throw untrusted(display, `names another file (${terminalSafe(name)})`);
    const paxSize = pax.get('size')?.toString('latin1');
    const size = paxSize === undefined ? header.size : Number(paxSize);
    if (!Number.isSafeInteger(size) || size < 0) throw untrusted(display, 'gives a size that is not a number');
    seen = true;
    let left = size;
    async function* bytes(): AsyncGenerator<Buffer> {
      while (left > 0) {
        const piece = await reader.piece(Math.min(left, PIECE_BYTES));
        if (piece.length === 0) throw cutShort(display);
        left -= piece.length;
        yield piece;
      }
    }
    yield {
      record: {
        kind: 'file',
        name: '.',
        mode: header.mode,
        uid: header.uid,
        gid: header.gid,
        mtimeMs: header.mtimeMs,
        link: '',
        size,
        flags: 0,
      },
      data: bytes(),
      release,
    };
    // What the consumer left unread is skipped, then the padding.
    for await (const _ of bytes()) void _;
    await skipPadding(size);
    pax = new Map();
    longName = undefined;
  }
}

function cutShort(display: string): RemoraError {
  return new RemoraError('OPERATION_FAILED', `the copy of ${display} was cut short`, { hint: 'is the target still running?' });
}

function untrusted(display: string, what: string): RemoraError {
  return new RemoraError('OPERATION_FAILED', `the engine's archive of ${display} ${what}: nothing was written`, {
    hint: 'the file may have been replaced while it was copied; copy it again',
  });
}

function engineFailure(error: unknown, display: string): unknown {
  if (error instanceof RemoraError && error.code !== 'ENGINE_ERROR' && error.code !== 'TOOLKIT_IMAGE_UNAVAILABLE') return error;
  const text = error instanceof Error ? error.message.replace(/^the engine refused: /, '') : String(error);
  return new RemoraError('OPERATION_FAILED', `cannot read ${display}: the engine's archive API failed: ${text}`, {
    hint: "copy again; --debug shows the route and the engine's answer",
    cause: error,
  });
}
