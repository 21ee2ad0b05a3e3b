// Reading an item out of the target: `remora-fs pack` run in the toolkit, its record
// stream decoded, its failure explained. The helper waits, after its last record, until we
// close its stdin: dockerd (20.10) drops exec output still queued a moment after the process
// exits, so a helper that exited at once lost the end of a copy whenever we read slowly.
import { readAll } from '../engine/http-client.js';
import { RemoraError } from '../core/errors.js';
import type { ToolkitSession } from '../session/toolkit-session.js';
import { decodeRecords, isStreamFailure, type CopyEntry } from './copy-entries.js';
import { FS_HELPER, helperFailure } from './fs-helper.js';

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
  const cmd = [FS_HELPER, 'pack', ...(options.follow ? ['-L'] : []), ...(options.wantTotal ? ['-t'] : []), session.targetRoot, path];
  const handle = await session.exec({ cmd, stdin: true });
  const onAbort = (): void => handle.close();
  signal?.addEventListener('abort', onAbort, { once: true });
  const stderr = readAll(handle.stderr);
  // The end record is in: everything has arrived, the helper may go.
  const state = { complete: false, onEnd: () => handle.stdin?.end() };
  const context = { session, targetName: options.targetName, direction: 'read' as const, path };
  const failure = async (): Promise<RemoraError | undefined> => {
    const exitCode = await handle.exitCode.catch(() => -1);
    if (exitCode === 0) return undefined;
    return helperFailure(exitCode, await stderr, context);
  };
  return {
    entries: decodeRecords(handle.stdout, state),
    async finish() {
      signal?.removeEventListener('abort', onAbort);
      const failed = await failure();
      if (failed) throw failed;
      if (!state.complete) throw new RemoraError('OPERATION_FAILED', `the copy of ${options.targetName}:${path} was cut short`, { hint: 'is the target still running?' });
    },
    async explain(error) {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted || !isStreamFailure(error)) {
        handle.close();
        if ((error as NodeJS.ErrnoException).code === 'EPIPE') {
          return new RemoraError('OPERATION_FAILED', 'the reader of the tar stream went away before the copy ended (broken pipe)', { cause: error });
        }
        return error;
      }
      // The stream broke: the helper has most likely stopped, and says why in its status.
      const exitCode = await settledExit(handle.exitCode);
      handle.close();
      return exitCode > 0 && exitCode < 128 ? helperFailure(exitCode, await stderr, context) : error;
    },
  };
}

/** The helper's exit status, or -1 when it has none within two seconds (still running). */
export async function settledExit(exitCode: Promise<number>): Promise<number> {
  return Promise.race([exitCode.catch(() => -1), new Promise<number>((resolve) => setTimeout(() => resolve(-1), 2000).unref())]);
}

