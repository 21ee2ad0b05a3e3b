// Copy-out by the archive route (core/copy-route.ts says when): once remora-fs has resolved
// and checked the file inside the target's root, the engine reads it (`GET
// /containers/<target>/archive`, docker cp's path, no exec relay). What the engine sends is
// the target's content, so untrusted: one regular file of the name asked for, or the copy
// fails. Its bytes go on as the one entry of the copy, named "." (the item itself): the
// local side decides where it lands (local-writer.ts, temporary name then rename).
import type { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { RemoraError } from '../core/errors.js';
import { encodeTargetText, terminalSafe } from '../core/target-text.js';
import type { ToolkitSession } from '../session/toolkit-session.js';
import type { CopyEntry } from './copy-entries.js';
import type { PackStream } from './pack-stream.js';
import { readRawNames } from './tar-raw-names.js';

export interface ArchiveFileOptions {
  targetName: string;
  /** The file, resolved inside the target's root (remora-fs where). */
  path: string;
  signal?: AbortSignal;
}

export async function openArchiveFile(session: ToolkitSession, options: ArchiveFileOptions): Promise<PackStream> {
  const display = `${options.targetName}:${options.path}`;
  options.signal?.throwIfAborted();
  let response: Readable;
  try {
    response = await session.getFromTarget(options.path);
  } catch (error) {
    throw engineFailure(error, display);
  }
  const abort = (): void => {
    const reason: unknown = options.signal?.reason;
    response.destroy(reason instanceof Error ? reason : new RemoraError('OPERATION_FAILED', 'interrupted'));
  };
  options.signal?.addEventListener('abort', abort, { once: true });
  const state = { complete: false };
  const base = options.path.slice(options.path.lastIndexOf('/') + 1);
  return {
    entries: fileEntries(response, base, display, state),
    async finish() {
      options.signal?.removeEventListener('abort', abort);
      if (!state.complete)
        throw new RemoraError('OPERATION_FAILED', `the copy of ${display} was cut short`, { hint: 'is the target still running?' });
    },
    async explain(error) {
      options.signal?.removeEventListener('abort', abort);
      response.destroy();
      if (options.signal?.aborted) return options.signal.reason;
      return error instanceof RemoraError ? error : engineFailure(error, display);
    },
  };
}

async function* fileEntries(response: Readable, base: string, display: string, state: { complete: boolean }): AsyncGenerator<CopyEntry> {
  // Names as bytes (latin1, one char per byte), as tar-entries.ts reads them.
  const extract = tarStream.extract({ filenameEncoding: 'latin1' } as Parameters<typeof tarStream.extract>[0]);
  readRawNames(extract);
  response.once('error', (error) => extract.destroy(error));
  // A connection lost midway ends the response without an error: the entry must fail, not end short.
  response.once('close', () => {
    if (!response.readableEnded) extract.destroy(cutShort(display));
  });
  response.pipe(extract);
  const baseBytes = Buffer.from(encodeTargetText(base)).toString('latin1');
  let seen = 0;
  for await (const entry of extract) {
    const header = entry.header;
    seen++;
    if (seen > 1) throw untrusted(display, 'holds more than the one file asked for');
    if (header.type !== 'file' && header.type !== 'contiguous-file') throw untrusted(display, `holds a ${header.type ?? 'nameless'} entry`);
    // A pax name is already target text (tar-raw-names.ts); a plain one is latin1 bytes.
    if (header.name !== baseBytes && header.name !== base) throw untrusted(display, `names another file (${terminalSafe(header.name)})`);
    const drained = new Promise<void>((resolve) => {
      entry.once('end', () => resolve());
      entry.once('close', () => resolve());
    });
    yield {
      record: {
        kind: 'file',
        name: '.',
        mode: (header.mode ?? 0o644) & 0o7777,
        uid: header.uid ?? 0,
        gid: header.gid ?? 0,
        mtimeMs: header.mtime ? header.mtime.getTime() : Date.now(),
        link: '',
        size: header.size ?? 0,
        flags: 0,
      },
      data: exactly(entry as unknown as AsyncIterable<Buffer>, header.size ?? 0, display),
    };
    entry.resume();
    await drained;
  }
  if (seen === 0) throw untrusted(display, 'is empty');
  state.complete = true;
}

/** The entry's bytes, failing unless there are as many as its header said: a short file never lands. */
async function* exactly(data: AsyncIterable<Buffer>, size: number, display: string): AsyncGenerator<Buffer> {
  let got = 0;
  for await (const chunk of data) {
    got += chunk.length;
    yield chunk;
  }
  if (got !== size) throw cutShort(display);
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
