// One error type for everything Remora reports to a user: a code that maps to an exit
// status, a one-line message, an optional hint saying what to do, and the cause.
// Engine errors are translated into these once, in engine/; the CLI edge prints them.

export type ErrorCode =
  | 'USAGE'
  | 'TARGET_NOT_FOUND'
  | 'TARGET_AMBIGUOUS'
  | 'TARGET_NOT_RUNNING'
  | 'TARGET_PAUSED'
  /** The target stopped while a command ran on it. */
  | 'TARGET_EXITED'
  /** The toolkit session was ended (detach, docker stop) while a command ran in it. */
  | 'SESSION_ENDED'
  | 'ENGINE_UNREACHABLE'
  | 'ENGINE_ERROR'
  | 'TOOLKIT_IMAGE_UNAVAILABLE'
  | 'TOOL_MISSING'
  | 'PERMISSION_DENIED'
  | 'PTRACE_DENIED'
  | 'PATH_NOT_FOUND'
  | 'PATH_OUTSIDE_ROOT'
  | 'READ_ONLY'
  | 'NO_SPACE'
  | 'PROCESS_NOT_FOUND'
  /** An exec could not start (the command `exec` asked for, strace): exit 125, as docker exec. */
  | 'EXEC_FAILED'
  /** A toolkit-side program remora runs (a listing: ps, proc, net) started and failed. */
  | 'TOOLKIT_COMMAND_FAILED'
  | 'NOT_A_TERMINAL'
  | 'OPERATION_FAILED';

export interface RemoraErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Extra lines (candidate lists) printed under the message. */
  details?: string[];
}

export class RemoraError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: string[];

  constructor(code: ErrorCode, message: string, options: RemoraErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RemoraError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details ?? [];
  }
}

/** Exit codes, as documented in the README. */
export const EXIT = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  TARGET: 3,
  ENGINE: 4,
  EXEC_CANNOT_START: 125,
  EXEC_NOT_EXECUTABLE: 126,
  EXEC_NOT_FOUND: 127,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'USAGE':
    case 'NOT_A_TERMINAL':
      return EXIT.USAGE;
    case 'TARGET_NOT_FOUND':
    case 'TARGET_AMBIGUOUS':
    case 'TARGET_NOT_RUNNING':
    case 'TARGET_PAUSED':
    case 'TARGET_EXITED':
      return EXIT.TARGET;
    case 'ENGINE_UNREACHABLE':
    case 'TOOLKIT_IMAGE_UNAVAILABLE':
      return EXIT.ENGINE;
    case 'EXEC_FAILED':
      return EXIT.EXEC_CANNOT_START;
    default:
      return EXIT.FAILED;
  }
}

export function isRemoraError(value: unknown): value is RemoraError {
  return value instanceof RemoraError;
}
