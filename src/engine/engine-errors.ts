// The one place engine failures are read: an HTTP status and the engine's message become a
// typed failure (EngineFailure) on an EngineError, which is a RemoraError users can read
// as it is. Callers above engine/ switch on `failure`, never on the engine's wording.
import { RemoraError, type ErrorCode } from '../core/errors.js';
import { EngineHttpError } from './http-client.js';

/** What went wrong, as the engine said it (Docker and Podman word these differently). */
export type EngineFailure =
  /** No container by that name or ID (404). */
  | 'CONTAINER_NOT_FOUND'
  /** The container, or one it would join (its PID or network namespace), is not running. */
  | 'CONTAINER_NOT_RUNNING'
  /** The container is restarting (a crash loop between two runs): nothing can join it now. */
  | 'CONTAINER_RESTARTING'
  /** The container is paused: no exec, no new toolkit joining it. */
  | 'CONTAINER_PAUSED'
  /** The container is between states (being removed, or Podman's "state improper"): try again or let it go. */
  | 'CONTAINER_BUSY'
  /** Another container holds the name asked for (a concurrent create). */
  | 'NAME_IN_USE'
  /** No such image (or the image a commit needs is gone). */
  | 'IMAGE_NOT_FOUND'
  /** No such path in a container's filesystem (the archive API). */
  | 'PATH_NOT_FOUND'
  /** Anything else the engine does not have (a volume, an exec). */
  | 'NOT_FOUND'
  /** The program is built for another CPU ("exec format error"). */
  | 'WRONG_ARCHITECTURE'
  /** A bind mount's source is not on the host. */
  | 'BIND_SOURCE_MISSING'
  /** The engine cannot commit a container (rootless Podman's compatible API: "runroot must be set"). */
  | 'COMMIT_UNSUPPORTED'
  /** The engine cannot grant the capabilities asked for ("unable to apply caps"). */
  | 'CAPS_REFUSED'
  /** Any other refusal. */
  | 'REFUSED';

/** An engine's refusal: what went wrong (`failure`), in a message users can read. */
export class EngineError extends RemoraError {
  readonly failure: EngineFailure;
  /** The HTTP status the engine answered. */
  readonly status: number | undefined;
  /** The engine's own words. */
  readonly engineMessage: string;

  constructor(
    failure: EngineFailure,
    code: ErrorCode,
    message: string,
    details: { status: number | undefined; engineMessage: string; hint?: string; cause?: unknown },
  ) {
    super(code, message, { hint: details.hint, cause: details.cause });
    this.name = 'EngineError';
    this.failure = failure;
    this.status = details.status;
    this.engineMessage = details.engineMessage;
  }
}

/** The typed failure behind an error, or undefined when it is not the engine's refusal. */
export function engineFailureOf(error: unknown): EngineFailure | undefined {
  return error instanceof EngineError ? error.failure : undefined;
}

/** Whether the engine said the thing asked about is not there (any kind of *_NOT_FOUND). */
export function isNotFound(error: unknown): boolean {
  const failure = engineFailureOf(error);
  return failure === 'CONTAINER_NOT_FOUND' || failure === 'IMAGE_NOT_FOUND' || failure === 'PATH_NOT_FOUND' || failure === 'NOT_FOUND';
}

/** The host path of the bind mount whose source is missing, as the engine named it (BIND_SOURCE_MISSING). */
export function missingBindSourceOf(error: unknown): string | undefined {
  if (!(error instanceof EngineError) || error.failure !== 'BIND_SOURCE_MISSING') return undefined;
  const text = error.engineMessage;
  const match = /bind source path does not exist: (.+?)\s*$/m.exec(text) ?? /statfs (\S+): no such file or directory/i.exec(text);
  return match?.[1];
}

/**
 * Reads a refusal: the status first, the engine's wording only where the status is shared
 * by several causes (a 500 from the runtime, a 409). `path` is the API route asked.
 */
export function classifyEngineFailure(status: number | undefined, text: string, path = ''): EngineFailure {
  // dockerd: "bind source path does not exist: /x"; Podman: "statfs /x: no such file or directory"
  // (first: Podman may answer it with a 404).
  if (/bind source path does not exist|statfs \S+: no such file or directory/i.test(text)) return 'BIND_SOURCE_MISSING';
  if (status === 404) {
    if (/no such container/i.test(text)) return 'CONTAINER_NOT_FOUND';
    if (/\/archive(\?|$)/.test(path)) return 'PATH_NOT_FOUND';
    if (/no such image|not found/i.test(text)) return 'IMAGE_NOT_FOUND';
    return 'NOT_FOUND';
  }
  if (/is paused/i.test(text)) return 'CONTAINER_PAUSED';
  // dockerd: 'Conflict. The container name "/x" is already in use'; Podman: 'the container name "x" is already in use'.
  if (/name .* is already in use/i.test(text) || (status === 409 && /^conflict\./i.test(text))) return 'NAME_IN_USE';
  // dockerd: "Container <id> is restarting, wait until the container is running".
  if (/is restarting/i.test(text)) return 'CONTAINER_RESTARTING';
  // Joining a namespace whose process is gone: "cannot join network of a non running
  // container", "joining PID namespace ...: no such process".
  if (/not running|restarting|cannot join|no such process/i.test(text)) return 'CONTAINER_NOT_RUNNING';
  if (/state improper|already in progress/i.test(text)) return 'CONTAINER_BUSY';
  if (/failed to get digest|no such image/i.test(text)) return 'IMAGE_NOT_FOUND';
  if (/exec format error/i.test(text)) return 'WRONG_ARCHITECTURE';
  if (/CommitFailure|runroot must be set/i.test(text)) return 'COMMIT_UNSUPPORTED';
  if (/unable to apply caps/i.test(text)) return 'CAPS_REFUSED';
  return 'REFUSED';
}

/**
 * Engine failures as Remora errors, translated once: a refusal becomes an EngineError, a
 * RemoraError (a lost connection, already explained) stays as it is. `subject` names what
 * was asked about, for "no container named X".
 */
export function translateEngineError(error: unknown, subject?: string): Error {
  if (error instanceof RemoraError) return error;
  const status = error instanceof EngineHttpError ? error.statusCode : (error as { statusCode?: number }).statusCode;
  const message = error instanceof Error ? error.message : String(error);
  const engineMessage = (error as { json?: { message?: string } }).json?.message ?? message;
  const path = error instanceof EngineHttpError ? error.path : '';
  const failure = classifyEngineFailure(status, engineMessage, path);
  const details = { status, engineMessage, cause: error };
  // What users read: the four refusals that are about the target, in Remora's words; any
  // other as the engine worded it. (Callers that know more explain it better, by `failure`.)
  if (failure === 'CONTAINER_NOT_FOUND')
    return new EngineError(failure, 'TARGET_NOT_FOUND', `no container named ${subject ?? ''}`.trim(), details);
  if (failure === 'IMAGE_NOT_FOUND' && status === 404)
    return new EngineError(failure, 'TOOLKIT_IMAGE_UNAVAILABLE', `image not found: ${subject ?? engineMessage}`, details);
  if (failure === 'CONTAINER_PAUSED' && status === 409)
    return new EngineError(failure, 'TARGET_PAUSED', engineMessage, { ...details, hint: 'unpause it with `docker unpause`' });
  if ((failure === 'CONTAINER_NOT_RUNNING' || failure === 'CONTAINER_RESTARTING') && status === 409)
    return new EngineError(failure, 'TARGET_NOT_RUNNING', engineMessage, details);
  return new EngineError(failure, 'ENGINE_ERROR', `the engine refused: ${engineMessage}`, details);
}
