// Where a capture goes on the local side: a hidden temporary file beside the final one,
// renamed into place when the capture ends (cut to its last whole packet), or removed
// when there is nothing to keep. Shared by `remora capture` and the TUI's `c`.
import { randomBytes } from 'node:crypto';
import { createWriteStream, renameSync, rmSync, truncateSync, type WriteStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { RemoraError } from '../core/errors.js';

export interface CaptureFile {
  stream: WriteStream;
  path: string;
  /** Makes the file final, cut to `length` bytes if given, or removes it (`keep` false). */
  finish(keep: boolean, length?: number): Promise<void>;
}

export async function openCaptureFile(path: string): Promise<CaptureFile> {
  // Beside the final file, so the rename stays on one file system.
  const temporary = join(dirname(path), `.${basename(path)}.remora-${randomBytes(4).toString('hex')}.tmp`);
  const stream = createWriteStream(temporary, { flags: 'wx', mode: 0o644 });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (error) =>
      reject(new RemoraError('OPERATION_FAILED', `cannot write ${path}: ${error.message}`, { cause: error })),
    );
  });
  return {
    stream,
    path,
    async finish(keep, length) {
      await new Promise<void>((resolve) => stream.end(() => resolve()));
      // A stream cut mid-packet: the file ends with the last whole one, so it stays readable.
      if (keep && length !== undefined) truncateSync(temporary, length);
      if (keep) renameSync(temporary, path);
      else rmSync(temporary, { force: true });
    },
  };
}
