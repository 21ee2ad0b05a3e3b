// What the TUI asks of a target, in the TUI's words: the views are written against this
// port only, so they are tested with a fake and never touch the engine. The real one
// (session-data-source.ts) is a thin adapter over ops/, the code of the plain commands.
import type { FileEntry } from '../core/directory-listing.js';
import type { ListedProcess } from '../core/process-table.js';
import type { SocketInfo } from '../core/socket-types.js';
import type { PostMortemSource } from '../core/post-mortem.js';
import type { SyscallEvent } from '../core/strace-parser.js';
import type { ContainerLogLine } from '../ops/container-logs.js';
import type { FileComparison } from '../ops/diff.js';
import type { FilePreview } from '../ops/preview-file.js';
import type { TargetStateEvent } from '../ops/watch-target.js';

export type { FileEntry, FilePreview, ListedProcess, SocketInfo, SyscallEvent };
export type LogLine = ContainerLogLine;
/** Progress of a copy as `remora cp` prints it: "12 MiB / 1.0 GiB  45 MiB/s  ETA 0:21". */
export type ProgressLine = string;

export interface DirectoryListing {
  /** The directory listed, resolved inside the target (symlinks followed there). */
  path: string;
  entries: FileEntry[];
}

export type OpenedPath = { kind: 'directory'; listing: DirectoryListing } | { kind: 'file'; path: string };

export interface Stoppable {
  stop(): Promise<void>;
}

/** The target's life as the engine reports it while attached. */
export type TargetEvent = TargetStateEvent;

/** A running port forward (the Network view's `f`). */
export interface ActiveForward extends Stoppable {
  /** "127.0.0.1:8080". */
  local: string;
  remotePort: number;
}

/** A running capture to a local file (the Network view's `c`). */
export interface ActiveCapture extends Stoppable {
  /** The local file, as it will be named when the capture ends. */
  path: string;
}

export type CaptureEnd = { packets: number; path: string } | Error;

export type ChangeMark = 'A' | 'C' | 'D';

/** A file against the image's version (`remora diff TARGET PATH`), or why there is none to compare. */
export type FileDiff = FileComparison | { kind: 'no-image-version'; reason: string };

/** What the TUI's header says about the attached target (its summary, not the session's Target). */
export interface TargetHeader {
  name: string;
  image: string;
  state: string;
  /** ISO time the main process started ('' when not running). */
  startedAt: string;
  /** The main process's user as the target names it (from its passwd), else Config.User. */
  user: string;
  profile: string;
  engine: string;
  /** The target's main process as the toolkit sees it (not 1 in a shared PID namespace). */
  mainPid?: number;
  /**
   * Set when the target has no process and the session runs in a stand-in: what it stands
   * in for, which the header words as `exited 2m ago (code 3) — files as it left them; …`
   * at each draw, so the "ago" keeps counting.
   */
  postMortem?: PostMortemSource;
}

export interface TuiDataSource {
  summary(): Promise<TargetHeader>;
  listProcesses(signal: AbortSignal): Promise<ListedProcess[]>;
  /** `remora proc` as lines of text, secrets masked. */
  processDetails(pid: number, signal: AbortSignal): Promise<{ title: string; lines: string[] }>;
  sendSignal(pid: number, signal: string): Promise<void>;
  /** Starts a trace; events arrive in batches. `onEnd` gets the reason a trace ended early. */
  trace(pids: number[], onEvents: (events: SyscallEvent[]) => void, onEnd: (error?: Error) => void): Promise<Stoppable>;
  listSockets(signal: AbortSignal): Promise<SocketInfo[]>;
  /** `remora port-forward` to one port: the same local port when free, else any; failures of single connections go to onFailure. */
  forward(remoteAddress: string, remotePort: number, onFailure: (line: string) => void): Promise<ActiveForward>;
  /** `remora capture -w localPath` on every interface: the count as it grows, then how it ended. */
  capture(localPath: string, onPackets: (packets: number) => void, onEnd: (end: CaptureEnd) => void): Promise<ActiveCapture>;
  /** Lists a directory of the target, or says that the path (after symlinks) is a file. */
  openPath(path: string, signal: AbortSignal): Promise<OpenedPath>;
  previewFile(path: string, signal: AbortSignal): Promise<FilePreview>;
  /** What the container changed against its image, by path: A added, C changed, D deleted (`remora diff`). */
  listChanges?(signal: AbortSignal): Promise<Map<string, ChangeMark>>;
  /** `remora diff TARGET PATH`: the file against the image's version. */
  diffFile?(path: string, signal: AbortSignal): Promise<FileDiff>;
  /** `remora cp TARGET:path local`; resolves with a line saying what was written. */
  download(targetPath: string, localPath: string, onProgress: (line: ProgressLine) => void, signal: AbortSignal): Promise<string>;
  /** `remora cp local TARGET:directory/`; resolves with a line saying what was written. */
  upload(localPath: string, targetDirectory: string, onProgress: (line: ProgressLine) => void, signal: AbortSignal): Promise<string>;
  followLogs(onLines: (lines: LogLine[]) => void, onEnd: (error?: Error) => void): Promise<Stoppable>;
  /** Reports stop/pause/start of the target and the engine going away and coming back. */
  watchTarget(onEvent: (event: TargetEvent) => void): Stoppable;
}
