// The line a long commit of a container's writable layer is shown with (a stand-in is made
// from that commit): what, how big once the engine has said, and for how long so far. Pure.
import { formatBytes } from './bytes.js';
import { formatDuration } from './duration.js';

export interface CommitProgress {
  /** The container committed, as the user named it. */
  name: string;
  /** Its writable layer's size (SizeRw), once known. */
  sizeRw?: number;
  elapsedMs: number;
  done: boolean;
}

/** `committing the writable layer of app (1.5 GiB)… 12s`; without the time when `elapsed` is false. */
export function formatCommitProgress(progress: CommitProgress, elapsed = true): string {
  const size = progress.sizeRw === undefined ? '' : ` (${formatBytes(progress.sizeRw)})`;
  return `committing the writable layer of ${progress.name}${size}…${elapsed ? ` ${formatDuration(progress.elapsedMs / 1000)}` : ''}`;
}
