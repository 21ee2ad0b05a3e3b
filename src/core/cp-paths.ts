// The path rules of `remora cp`, pure: which argument is a target path, what a trailing `/`
// or `/.` means, and where a copy lands — the source/destination matrix of `docker cp`.
import { posix } from 'node:path';
import { RemoraError } from './errors.js';
import { utf8Text } from './target-text.js';

export type CpLocation =
  | { kind: 'target'; target: string; path: string }
  | { kind: 'local'; path: string }
  /** `-`: a tar stream on stdin (as a source) or stdout (as a destination). */
  | { kind: 'stream' };

/**
 * Splits an argument the way `docker cp` does: absolute paths and paths without `:` are
 * local, so is anything whose part before the first `:` starts with `.` (`./a:b`);
 * the rest is TARGET:PATH, with the path taken from the target's `/`. A path may hold
 * bytes that are not UTF-8 (core/target-text.ts); a target's name never does.
 */
export function parseCpLocation(arg: string): CpLocation {
  if (arg === '-') return { kind: 'stream' };
  if (arg.startsWith('/')) return { kind: 'local', path: arg };
  const colon = arg.indexOf(':');
  if (colon < 0 || arg.startsWith('.')) return { kind: 'local', path: arg };
  const target = utf8Text(arg.slice(0, colon));
  const path = arg.slice(colon + 1);
  if (target === '') return { kind: 'local', path: arg };
  if (path === '')
    throw new RemoraError('USAGE', `no path after "${target}:"`, { hint: `write the path in the target, e.g. ${target}:/etc/hostname` });
  return { kind: 'target', target, path: path.startsWith('/') ? path : `/${path}` };
}

export function describeLocation(location: CpLocation): string {
  if (location.kind === 'stream') return '-';
  return location.kind === 'target' ? `${location.target}:${location.path}` : location.path;
}

export interface PathShape {
  /** Lexically cleaned, without a trailing `/` or `/.` (the root stays `/`). */
  clean: string;
  /** Ends with `/` (or `/.`): asserts a directory. */
  assertsDirectory: boolean;
  /** Ends with `/.` (or is the root): the directory's contents, not the directory. */
  contentsOnly: boolean;
  /** The name a copy of it takes: its last component (`.` for the root). */
  base: string;
}

export function shapeOf(path: string): PathShape {
  const contentsOnly = path === '.' || path.endsWith('/.') || posix.normalize(path) === '/';
  const assertsDirectory = contentsOnly || path.endsWith('/');
  let clean = posix.normalize(path);
  if (clean.length > 1 && clean.endsWith('/')) clean = clean.slice(0, -1);
  const base = clean === '/' ? '.' : posix.basename(clean);
  return { clean, assertsDirectory, contentsOnly, base };
}

/** What the source turned out to be (after following a link when asked or implied). */
export type SourceKind = 'file' | 'directory' | 'symlink' | 'other';

export type DestinationState = { exists: true; isDirectory: boolean } | { exists: false; parentIsDirectory: boolean };

export interface CopyPlan {
  /** An existing directory the copy is written into. */
  dir: string;
  /** Name the source takes in `dir`; null when a directory's contents merge into `dir` itself. */
  name: string | null;
}

/**
 * Where one source lands, with the outcomes of `docker cp`: into an existing directory
 * under the source's name (or merged with `/.`), onto an existing file, or as a new entry
 * named by the destination whose parent must exist. Throws the one-line errors.
 */
export function planCopy(
  source: { display: string; path: string; kind: SourceKind },
  dest: { display: string; path: string; state: DestinationState },
): CopyPlan {
  const src = shapeOf(source.path);
  const dst = shapeOf(dest.path);
  const sourceIsDir = source.kind === 'directory';
  if (src.assertsDirectory && !sourceIsDir) {
    throw new RemoraError('OPERATION_FAILED', `${source.display} is not a directory`, { hint: 'drop the trailing / to copy it' });
  }
  if (dest.state.exists) {
    if (dest.state.isDirectory) return { dir: dst.clean, name: src.contentsOnly ? null : src.base };
    if (dst.assertsDirectory) throw new RemoraError('OPERATION_FAILED', `destination ${dest.display} is not a directory`);
    if (sourceIsDir)
      throw new RemoraError('OPERATION_FAILED', `cannot copy a directory onto the file ${dest.display}`, {
        hint: 'name a directory, or a path that does not exist yet',
      });
    return { dir: posix.dirname(dst.clean), name: dst.base };
  }
  if (!sourceIsDir && dst.assertsDirectory) {
    throw new RemoraError('PATH_NOT_FOUND', `destination directory ${dest.display} does not exist`, {
      hint: 'create it first, or drop the trailing / to copy to a file of that name',
    });
  }
  if (!dest.state.parentIsDirectory) {
    throw new RemoraError('PATH_NOT_FOUND', `destination directory ${describeParent(dest.display)} does not exist`, {
      hint: 'create it first',
    });
  }
  return { dir: posix.dirname(dst.clean), name: dst.base };
}

/** The parent of a displayed destination (`app:/a/b` -> `app:/a`, `out/x` -> `out`). */
export function describeParent(display: string): string {
  const colon = display.startsWith('/') || display.startsWith('.') ? -1 : display.indexOf(':');
  const prefix = colon >= 0 ? display.slice(0, colon + 1) : '';
  const path = display.slice(prefix.length).replace(/\/+\.?$/, '') || '/';
  const parent = posix.dirname(path);
  return `${prefix}${parent}`;
}

/** Several sources go into one existing directory, each under its own name. */
export function requireDirectoryForMany(dest: { display: string; state: DestinationState }): void {
  if (!(dest.state.exists && dest.state.isDirectory)) {
    throw new RemoraError('PATH_NOT_FOUND', `several sources need an existing destination directory, and ${dest.display} is not one`, {
      hint: 'create the directory first',
    });
  }
}

/** A local path made absolute, keeping what its ending asserts (`/`, `/.`). */
export function resolveLocalPath(path: string, cwd: string): string {
  const suffix = path === '.' || path.endsWith('/.') ? '/.' : path.endsWith('/') ? '/' : '';
  const absolute = posix.resolve(cwd, path);
  return absolute === '/' ? '/' : `${absolute}${suffix}`;
}

/** Maps a stream entry name (`.` is the source itself, `a/b` below it) to its path under the plan's dir. */
export function placeEntry(plan: CopyPlan, entryName: string): string {
  if (plan.name === null) return entryName;
  return entryName === '.' ? plan.name : `${plan.name}/${entryName}`;
}
