// Reading an item out of the target: `remora-fs pack` run in the toolkit, its record
// stream decoded, its failure explained. The helper waits, after its last record, until we
// close its stdin: dockerd (20.10) drops exec output still queued a moment after the process
// exits, so a helper that exited at once lost the end of a copy whenever we read slowly.
import { RemoraError } from '../core/errors.js';
import type { ToolkitSession } from '../session/toolkit-session.js';
import { decodeRecords, type CopyEntry } from './copy-entries.js';
import { startHelper } from './fs-helper.js';
import { hashEntries, type FileHashes } from './verify.js';

export interface PackStream {
  entries: AsyncIterable<CopyEntry>;
  /** Waits for the helper; throws its error if it failed or the stream was cut short. */
  finish(): Promise<void>;
  /** The error to report for a failure seen while reading: the helper's, if it has one. */
  explain(error: unknown): Promise<unknown>;
}

export interface PackOptions {
  targetName: string;
  /** Path inside the target. */
  path: string;
  follow: boolean;
  /** Ask for the total size first (for an ETA). */
  wantTotal: boolean;
  signal?: AbortSignal;
}

export async function openPack(session: ToolkitSession, options: PackOptions): Promise<PackStream> {
  const { path, signal } = options;
  const flags = [...(options.follow ? ['-L'] : []), ...(options.wantTotal ? ['-t'] : [])];
  const helper = await startHelper(
    session,
    { command: 'pack', flags, root: session.targetRoot, paths: [path] },
    { session, targetName: options.targetName, direction: 'read', path },
    signal,
  );
  const { handle } = helper;
  // The end record is in: everything has arrived, the helper may go.
  const state = { complete: false, onEnd: () => handle.stdin?.end() };
  return {
    entries: decodeRecords(handle.stdout, state),
    async finish() {
      helper.release();
      const failed = await helper.failure();
      if (failed) throw failed;
      if (!state.complete)
        throw new RemoraError('OPERATION_FAILED', `the copy of ${options.targetName}:${path} was cut short`, {
          hint: 'is the target still running?',
        });
    },
    async explain(error) {
      helper.release();
      if ((error as NodeJS.ErrnoException).code === 'EPIPE') {
        handle.close();
        return new RemoraError('OPERATION_FAILED', 'the reader of the tar stream went away before the copy ended (broken pipe)', {
          cause: error,
        });
      }
      return helper.explain(error);
    },
  };
}

/** SHA-256 of every file of a target item, read again through the toolkit (--verify). */
export async function hashTargetItem(session: ToolkitSession, options: Omit<PackOptions, 'wantTotal'>): Promise<FileHashes> {
  const hashes: FileHashes = new Map();
  const again = await openPack(session, { ...options, wantTotal: false });
  try {
    for await (const _ of hashEntries(again.entries, hashes)) void _;
    await again.finish();
  } catch (error) {
    throw await again.explain(error);
  }
  return hashes;
}
