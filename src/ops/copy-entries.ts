// What every copy moves: a sequence of entries (the record stream's shape), produced by
// one side and consumed by the other. A file entry's data must be read to its end before
// the next entry is asked for; that pull order is what keeps memory flat.
import { decodeRecordHeader, encodeRecord, RECORD_HEADER_SIZE, type FsRecord } from '../core/fs-records.js';
import { RemoraError } from '../core/errors.js';
import { decodeTargetBytes } from '../core/target-text.js';

export interface CopyEntry {
  record: FsRecord;
  /** File bytes (exactly record.size of them); null for everything else. */
  data: AsyncIterable<Buffer> | null;
  /**
   * Where the source reads into memory it can reuse (the archive route): a chunk of `data`
   * given back here, once written and no longer referred to, may be read into again.
   * Chunks not given back are simply collected.
   */
  release?: (chunk: Buffer) => void;
}

export type EntrySource = AsyncIterable<CopyEntry>;

/** How far a reader runs ahead of its consumer: deep enough that the socket keeps flowing
 *  while a chunk is being written to disk, small enough that memory stays flat. */
const READ_AHEAD_BYTES = 8 * 1024 * 1024;

/**
 * Pulls exact byte counts out of a stream without copying file data, reading ahead up to
 * READ_AHEAD_BYTES: with the consumer's own pace alone, the engine's stream would stop at
 * every write to disk and the copy would run at the speed of one round trip per chunk.
 */
export class ByteReader {
  private buffered: Buffer[] = [];
  private bufferedLength = 0;
  private ended = false;
  private failure: unknown;
  private wake: (() => void) | undefined;
  private paused = false;

  constructor(private readonly stream: NodeJS.ReadableStream) {
    stream.on('data', (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (buffer.length) {
        this.buffered.push(buffer);
        this.bufferedLength += buffer.length;
      }
      if (this.bufferedLength >= READ_AHEAD_BYTES && !this.paused) {
        this.paused = true;
        stream.pause();
      }
      this.signal();
    });
    const finish = (): void => {
      this.ended = true;
      this.signal();
    };
    stream.once('end', finish);
    stream.once('close', finish);
    stream.once('error', (error) => {
      this.failure = error;
      finish();
    });
  }

  /** Up to n bytes, fewer only at the end of the stream. */
  async read(n: number): Promise<Buffer> {
    while (this.bufferedLength < n && !this.ended) await this.more();
    this.check();
    // Joins only the chunks that hold the n bytes: with megabytes read ahead, joining them
    // all for every 48-byte header would copy the read-ahead once per small file.
    let count = 0;
    let covered = 0;
    while (covered < n && count < this.buffered.length) covered += (this.buffered[count++] as Buffer).length;
    const head = count <= 1 ? (this.buffered[0] ?? Buffer.alloc(0)) : Buffer.concat(this.buffered.slice(0, count), covered);
    const taken = head.subarray(0, n);
    const rest = head.subarray(taken.length);
    this.buffered = rest.length ? [rest, ...this.buffered.slice(Math.max(count, 1))] : this.buffered.slice(Math.max(count, 1));
    this.bufferedLength -= taken.length;
    this.flow();
    return taken;
  }

  /** The next piece of at most n bytes, as it arrived; empty only at the end of the stream. */
  async piece(n: number): Promise<Buffer> {
    while (this.bufferedLength === 0 && !this.ended) await this.more();
    this.check();
    const head = this.buffered[0];
    if (!head) return Buffer.alloc(0);
    let piece: Buffer;
    if (head.length <= n) {
      this.buffered.shift();
      piece = head;
    } else {
      this.buffered[0] = head.subarray(n);
      piece = head.subarray(0, n);
    }
    this.bufferedLength -= piece.length;
    this.flow();
    return piece;
  }

  private check(): void {
    if (this.failure !== undefined && this.bufferedLength === 0) throw this.failure;
  }

  private flow(): void {
    if (this.paused && this.bufferedLength < READ_AHEAD_BYTES / 2) {
      this.paused = false;
      this.stream.resume();
    }
  }

  private more(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/**
 * Failures of the stream itself (cut short, corrupt, closed under us): the helper at the
 * other end usually has the better account of why, in its exit status and stderr.
 */
const streamFailures = new WeakSet<object>();

export function isStreamFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && streamFailures.has(error);
}

function streamFailure<T>(error: T): T {
  if (typeof error === 'object' && error !== null) streamFailures.add(error);
  return error;
}

const truncated = (): Error =>
  streamFailure(new RemoraError('OPERATION_FAILED', 'the copy stream from the toolkit ended in the middle of an entry'));

/**
 * Decodes a record stream. Ends at the `end` record; a stream that stops without one was
 * cut short (the helper failed, the target died), which the caller learns from the
 * helper's exit status.
 */
export async function* decodeRecords(
  source: NodeJS.ReadableStream,
  state: { complete: boolean; onEnd?: () => void } = { complete: false },
): AsyncGenerator<CopyEntry> {
  const reader = new ByteReader(source);
  for (;;) {
    const head = await reader.read(RECORD_HEADER_SIZE);
    if (head.length === 0) return;
    if (head.length < RECORD_HEADER_SIZE) throw truncated();
    let header;
    try {
      header = decodeRecordHeader(head);
    } catch (error) {
      throw streamFailure(error);
    }
    const text = await reader.read(header.nameLength + header.linkLength);
    if (text.length < header.nameLength + header.linkLength) throw truncated();
    const record: FsRecord = {
      kind: header.kind,
      mode: header.mode,
      uid: header.uid,
      gid: header.gid,
      mtimeMs: header.mtimeMs,
      // Names are bytes: kept exact (core/target-text.ts), whatever their encoding.
      name: decodeTargetBytes(text.subarray(0, header.nameLength)),
      link: decodeTargetBytes(text.subarray(header.nameLength)),
      size: header.size,
      flags: header.flags,
    };
    if (record.kind === 'end') {
      state.complete = true;
      state.onEnd?.();
      return;
    }
    if (record.kind !== 'file') {
      yield { record, data: null };
      continue;
    }
    // The consumer may stop early (a refused entry): whatever it left is skipped here.
    let left = record.size;
    const data: AsyncIterable<Buffer> = {
      async *[Symbol.asyncIterator]() {
        while (left > 0) {
          const piece = await reader.piece(left);
          if (piece.length === 0) throw truncated();
          left -= piece.length;
          yield piece;
        }
      },
    };
    yield { record, data };
    while (left > 0) {
      const piece = await reader.piece(left);
      if (piece.length === 0) throw truncated();
      left -= piece.length;
    }
  }
}

export interface EntryHooks {
  /** Something the source skipped (a fifo, a socket, a device): said, not copied. */
  onWarning?: (name: string, reason: string) => void;
  /** Total file bytes to come. Given only by a caller that shows an ETA: counting a tree first is a second walk of it. */
  onTotal?: (bytes: number) => void;
  /** File bytes moved so far (called as they pass). */
  onBytes?: (bytes: number) => void;
}

/** Passes entries through, answering warnings and totals and counting file bytes on the way. */
export async function* observeEntries(source: EntrySource, hooks: EntryHooks): AsyncGenerator<CopyEntry> {
  for await (const entry of source) {
    const { record } = entry;
    if (record.kind === 'warning') {
      hooks.onWarning?.(record.name, record.link);
      continue;
    }
    if (record.kind === 'total') {
      hooks.onTotal?.(record.size);
      continue;
    }
    if (entry.data && hooks.onBytes) {
      const inner = entry.data;
      const onBytes = hooks.onBytes;
      yield {
        ...entry,
        data: {
          async *[Symbol.asyncIterator]() {
            for await (const chunk of inner) {
              onBytes(chunk.length);
              yield chunk;
            }
          },
        },
      };
    } else {
      yield entry;
    }
  }
}

const BATCH_BYTES = 64 * 1024;

/**
 * Encodes entries onto a writable (the helper's stdin), then the end record, honouring
 * backpressure. Headers and small files are gathered into 64 KiB writes: 20,000 small
 * files must not cost 60,000 socket writes.
 */
export async function encodeRecords(
  entries: EntrySource,
  sink: NodeJS.WritableStream,
  options: { signal?: AbortSignal; release?: (chunk: Buffer) => void } = {},
): Promise<void> {
  const { signal, release } = options;
  let batch: Buffer[] = [];
  let batchLength = 0;
  /** Writes a buffer; `written` runs once the sink is done with it (then it may be reused). */
  const write = async (buffer: Buffer, written?: () => void): Promise<void> => {
    signal?.throwIfAborted();
    if (sink.write(buffer, written)) return;
    try {
      await drained(sink, signal);
    } catch (error) {
      throw signal?.aborted ? error : streamFailure(error);
    }
  };
  const flush = async (): Promise<void> => {
    if (batchLength === 0) return;
    const parts = batch;
    batch = [];
    batchLength = 0;
    if (parts.length === 1) {
      const only = parts[0] as Buffer;
      await write(only, release && (() => release(only)));
      return;
    }
    const joined = Buffer.concat(parts);
    if (release) parts.forEach(release);
    await write(joined);
  };
  const push = async (buffer: Buffer): Promise<void> => {
    if (buffer.length >= BATCH_BYTES) {
      await flush();
      await write(buffer, release && (() => release(buffer)));
      return;
    }
    batch.push(buffer);
    batchLength += buffer.length;
    if (batchLength >= BATCH_BYTES) await flush();
  };
  for await (const { record, data } of entries) {
    await push(encodeRecord(record));
    if (data) {
      let sent = 0;
      for await (const chunk of data) {
        sent += chunk.length;
        await push(chunk);
      }
      if (sent !== record.size)
        throw new RemoraError('OPERATION_FAILED', `${record.name}: ${sent} bytes read where ${record.size} were announced`);
    }
  }
  await push(encodeRecord({ kind: 'end', mode: 0, uid: 0, gid: 0, mtimeMs: 0, name: '', link: '', size: 0, flags: 0 }));
  await flush();
}

function drained(sink: NodeJS.WritableStream, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: unknown): void => {
      sink.removeListener('drain', onDrain);
      sink.removeListener('close', onClose);
      sink.removeListener('error', onError);
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = (): void => done();
    const onClose = (): void => done(streamFailure(new RemoraError('OPERATION_FAILED', 'the toolkit closed the copy stream early')));
    const onError = (error: unknown): void => done(streamFailure(error));
    const onAbort = (): void => done(signal?.reason);
    sink.once('drain', onDrain);
    sink.once('close', onClose);
    sink.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
