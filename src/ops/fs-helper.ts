// The toolkit's `remora-fs` helper, as cp uses it: where it is, how its exit codes (one per
// errno class) and its one-line errors become Remora's errors, and which mount to name
// when a write fails for lack of space or on a read-only file system.
import { posix } from 'node:path';
import { RemoraError } from '../core/errors.js';
import { signalOfExitStatus } from '../core/exit-status.js';
import { describeMount, mountContaining, parseMountInfo, type MountInfo } from '../core/mount-info.js';
import { decodeTargetBytes, encodeTargetText, hasEscapedBytes } from '../core/target-text.js';
import { readAllBytes } from '../engine/http-client.js';
import { isStreamFailure } from './copy-entries.js';
import type { ExecHandle } from '../engine/types.js';
import type { ToolkitSession } from '../session/toolkit-session.js';

export const FS_HELPER = '/opt/remora/bin/remora-fs';

/** Exit codes of remora-fs (see the usage text in toolkit-image/helpers/remora-fs.c). */
export const HELPER_EXIT = {
  OTHER: 1,
  NOENT: 2,
  ACCESS: 3,
  ROFS: 4,
  NOSPACE: 5,
  ESCAPE: 6,
  NO_OPENAT2: 7,
  USAGE: 64,
  NOT_FOUND: 127,
} as const;

const OPS = [
  'open root',
  'write stdout',
  'owner of',
  'readlink root',
  'stat',
  'read',
  'write',
  'mkdir',
  'symlink',
  'realpath',
  'pack',
  'unpack',
  'create',
  'rename',
  'chown',
  'chmod',
  'utimes',
  'close',
  'link',
  'readlink',
  'getrandom',
  'sigprocmask',
  'sigaction',
  'where',
];

/** One run of remora-fs: COMMAND [FLAGS] ROOT PATHS... (see its usage text). */
export interface HelperCall {
  command: 'stat' | 'read' | 'realpath' | 'pack' | 'unpack' | 'where' | 'land';
  flags?: string[];
  root: string;
  /** Paths of the target, as text that may hold bytes that are not UTF-8 (core/target-text.ts). */
  paths: string[];
}

/**
 * The exec command for a helper run. An exec's command travels as JSON, which is UTF-8
 * text: a path that is not UTF-8 (typed as `caf\xe9.txt`) would arrive as U+FFFD and name
 * another file. Such paths go in hex (`-x`), every byte exact; the others as they are.
 */
export function helperCommand(call: HelperCall): string[] {
  const { command, flags = [], root, paths } = call;
  if (!paths.some(hasEscapedBytes)) return [FS_HELPER, command, ...flags, root, ...paths];
  return [FS_HELPER, '-x', command, ...flags, root, ...paths.map((path) => encodeTargetText(path).toString('hex'))];
}

export interface HelperComplaint {
  op: string;
  /** The path inside the target's root the helper was working on. */
  path: string;
  reason: string;
}

/** Reads "remora-fs: <op> <path>: <reason>" (the last such line of stderr). */
export function parseHelperComplaint(stderr: string): HelperComplaint | undefined {
  const lines = stderr.split('\n').filter((line) => line.startsWith('remora-fs: '));
  const line = lines[lines.length - 1];
  if (!line) return undefined;
  const body = line.slice('remora-fs: '.length);
  const colon = body.lastIndexOf(': ');
  if (colon < 0) return { op: '', path: '', reason: body };
  const head = body.slice(0, colon);
  const reason = body.slice(colon + 2);
  const op = OPS.find((candidate) => head === candidate || head.startsWith(`${candidate} `)) ?? '';
  return { op, path: op ? head.slice(op.length + 1) : head, reason };
}

export interface FailureContext {
  session: ToolkitSession;
  /** The target's name, to write paths as users do: `app:/data/x`. */
  targetName: string;
  /** reading (copy-out) or writing (copy-in). */
  direction: 'read' | 'write';
  /** The path the command was about, when the helper names none. */
  path: string;
}

/** Turns a failed helper run into the one-line error the user sees. */
export async function helperFailure(exitCode: number, stderr: string, context: FailureContext): Promise<RemoraError> {
  const complaint = parseHelperComplaint(stderr);
  // "open root" names the toolkit's view of the root, not a path of the target.
  const path = complaint?.path?.startsWith('/') && complaint.op !== 'open root' ? complaint.path : context.path;
  const where = `${context.targetName}:${path}`;
  const reason = complaint?.reason ?? (stderr.trim().split('\n').pop() || `exit status ${exitCode}`);
  switch (exitCode) {
    case HELPER_EXIT.NOENT:
      if (context.direction === 'write' && complaint?.op === 'unpack') {
        return new RemoraError('PATH_NOT_FOUND', `destination directory ${where} does not exist`, { hint: 'create it first' });
      }
      return new RemoraError('PATH_NOT_FOUND', `${where} does not exist`, {
        hint: `list the directory with: remora exec ${context.targetName} -- ls -la /target${posix.dirname(path)}`,
      });
    case HELPER_EXIT.ACCESS:
      return new RemoraError('PERMISSION_DENIED', `permission denied ${context.direction === 'read' ? 'reading' : 'writing'} ${where}`, {
        hint:
          context.session.profile.name === 'restricted'
            ? 'the restricted profile has no capabilities; use --profile general'
            : 'the file or a directory on the way does not let the toolkit in',
      });
    case HELPER_EXIT.ROFS: {
      const mount = await mountOf(context.session, path);
      return new RemoraError('READ_ONLY', `cannot write ${where}: ${mount ? describeMount(mount) : 'the file system'} is read-only`, {
        hint:
          mount?.mountPoint === '/'
            ? 'the target runs with a read-only root (--read-only): write to one of its writable mounts (a tmpfs or a volume)'
            : 'write to a writable mount of the target (a tmpfs or a volume)',
      });
    }
    case HELPER_EXIT.NOSPACE: {
      const mount = await mountOf(context.session, path);
      return new RemoraError('NO_SPACE', `no space left on ${mount ? describeMount(mount) : 'the device'} writing ${where}`, {
        hint: 'free some space there, or copy somewhere else',
      });
    }
    case HELPER_EXIT.ESCAPE:
      return new RemoraError(
        'PATH_OUTSIDE_ROOT',
        `${where} leads outside the target's root filesystem (a link into /proc, or too many symbolic links): not followed`,
        {
          hint: "paths are resolved inside the target's root, as in a chroot",
        },
      );
    case HELPER_EXIT.NO_OPENAT2:
      return new RemoraError(
        'TOOL_MISSING',
        'the toolkit cannot confine paths to the target: openat2 is not available (a kernel older than 5.6, or a seccomp profile that blocks it)',
        {
          hint: 'remora cp needs Linux 5.6 or newer',
        },
      );
    case HELPER_EXIT.NOT_FOUND:
      return new RemoraError('TOOL_MISSING', `the toolkit image ${context.session.image} has no ${FS_HELPER}, which remora cp needs`, {
        hint: 'use the built-in toolkit image (drop --toolkit-image), or rebuild it: remora toolkit build',
      });
    default:
      if (signalOfExitStatus(exitCode) !== undefined)
        return new RemoraError('OPERATION_FAILED', `the copy in the toolkit was interrupted (signal ${signalOfExitStatus(exitCode)})`);
      return new RemoraError('OPERATION_FAILED', `cannot ${context.direction === 'read' ? 'read' : 'write'} ${where}: ${reason}`);
  }
}

/** A run of the helper with its stdin open (pack and unpack), and how its failures read. */
export interface HelperRun {
  readonly handle: ExecHandle;
  /** After it exited: its error, or undefined when it succeeded. */
  failure(): Promise<RemoraError | undefined>;
  /**
   * The error to report for a failure while streaming to or from it. The run is closed.
   * When the stream broke (or the caller saw the helper stop) and the helper stopped with a
   * status of its own (a read-only mount, a full tmpfs, a missing path), its error says
   * why; an abort or any other failure is reported as it is.
   */
  explain(error: unknown, options?: { helperStopped?: boolean }): Promise<unknown>;
  /** The caller is done: an abort no longer closes the run. */
  release(): void;
}

/** Starts remora-fs; the signal closes the exec. */
export async function startHelper(
  session: ToolkitSession,
  call: HelperCall,
  context: FailureContext,
  signal: AbortSignal | undefined,
): Promise<HelperRun> {
  const handle = await session.exec({ cmd: helperCommand(call), stdin: true });
  const onAbort = (): void => handle.close();
  signal?.addEventListener('abort', onAbort, { once: true });
  // The paths it names are bytes: kept as such, for the message to show them exactly.
  const stderr = readAllBytes(handle.stderr).then(decodeTargetBytes);
  return {
    handle,
    async failure() {
      const exitCode = await handle.exitCode.catch(() => -1);
      return exitCode === 0 ? undefined : helperFailure(exitCode, await stderr, context);
    },
    async explain(error, options) {
      if (!options?.helperStopped && (signal?.aborted || !isStreamFailure(error))) {
        handle.close();
        return error;
      }
      const exitCode = await settledExit(handle.exitCode);
      handle.close();
      return exitCode > 0 && exitCode < 128 ? helperFailure(exitCode, await stderr, context) : error;
    },
    release() {
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** The helper's exit status, or -1 when it has none within two seconds (still running). */
function settledExit(exitCode: Promise<number>): Promise<number> {
  return Promise.race([exitCode.catch(() => -1), new Promise<number>((resolve) => setTimeout(() => resolve(-1), 2000).unref())]);
}

/** Names the mount a path of the target lives on, or undefined if that cannot be told. */
async function mountOf(session: ToolkitSession, path: string): Promise<MountInfo | undefined> {
  try {
    const pid = session.target.rootPid;
    // The nearest existing directory: the failing file itself may not exist.
    const resolved = await session.run(helperCommand({ command: 'realpath', root: session.targetRoot, paths: [posix.dirname(path)] }));
    const real = resolved.exitCode === 0 ? decodeTargetBytes(resolved.stdout).trim() : posix.dirname(path);
    const info = await session.run(['cat', `/proc/${pid}/mountinfo`]);
    if (info.exitCode !== 0) return undefined;
    return mountContaining(real, parseMountInfo(info.stdout.toString('utf8')));
  } catch {
    return undefined;
  }
}

export interface TargetStat {
  type: 'file' | 'dir' | 'symlink' | 'other';
  size: number;
  mode: string;
  uid: number;
  gid: number;
  mtime: number;
  target?: string;
}

/** Stat of a target path (final symlink followed, inside the root); null when absent. */
export async function statTargetPath(
  session: ToolkitSession,
  path: string,
  context: Omit<FailureContext, 'path' | 'session'>,
): Promise<TargetStat | null> {
  const result = await session.run(helperCommand({ command: 'stat', flags: ['-L'], root: session.targetRoot, paths: [path] }));
  if (result.exitCode === 0) return JSON.parse(result.stdout.toString('utf8')) as TargetStat;
  // A missing file, or a file where a directory was expected on the way.
  if (result.exitCode === HELPER_EXIT.NOENT || /Not a directory/.test(result.stderr)) return null;
  throw await helperFailure(result.exitCode, result.stderr, { ...context, session, path });
}
