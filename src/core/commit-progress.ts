// The line a long commit of a container's writable layer is shown with (a stand-in is made
// from that commit): what, how big once the engine has said, and for how long so far. Pure.
import { formatBytes } from './bytes.js';
import { formatDuration } from './duration.js';

export interface CommitProgress {
  /** The container committed, as the user named it. */
  name: string;
  /** Its writable layer's size (SizeRw), once known. */
  sizeRw?: number;
  /** Its whole filesystem is copied (exported and imported) instead of committed. */
  copy?: boolean;
  elapsedMs: number;
  done: boolean;
}

/**
 * `committing the writable layer of app (1.5 GiB)… 12s`, or `copying the files of app… 12s`;
 * without the time when `elapsed` is false.
 */
export function formatCommitProgress(progress: CommitProgress, elapsed = true): string {
  const size = progress.sizeRw === undefined ? '' : ` (${formatBytes(progress.sizeRw)})`;
  const what = progress.copy ? `copying the files of ${progress.name}` : `committing the writable layer of ${progress.name}${size}`;
  return `${what}…${elapsed ? ` ${formatDuration(progress.elapsedMs / 1000)}` : ''}`;
}
