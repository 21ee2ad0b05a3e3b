// Entry names and links in a copy stream are untrusted input (a target can craft them):
// the checks that keep every write below the chosen destination, pure. The `kubectl cp`
// CVEs are the checklist: absolute names, `..`, a symlink followed by an entry through
// it, hard links to files the copy did not bring, one name reused as another kind.
import { RemoraError } from './errors.js';

export type EntryKind = 'file' | 'directory' | 'symlink' | 'hardlink';

export interface GuardedEntry {
  /** `.` is the copied item itself; `a/b` is below it. */
  name: string;
  kind: EntryKind;
  /** For hard links: the name of an earlier entry of the same stream. */
  linkName?: string;
}

/** Why a name is unsafe, or null when it is a plain relative name (or `.`). */
export function unsafeNameReason(name: string): string | null {
  if (name === '.') return null;
  if (name.length === 0) return 'an empty name';
  if (name.includes('\0')) return 'a NUL byte in the name';
  if (name.startsWith('/')) return 'an absolute name';
  for (const part of name.split('/')) {
    if (part === '..') return 'a ".." component';
    if (part === '' || part === '.') return 'an empty or "." component';
  }
  return null;
}

/**
 * Names in a user's own tar stream (copy-in from `-`) are read the way tar reads them:
 * `./` and leading `/` dropped, a trailing `/` ignored. `..` is not forgiven.
 */
export function normalizeTarName(name: string): string {
  let result = name.replace(/\/+$/, '');
  result = result.replace(/^\/+/, '');
  while (result.startsWith('./')) result = result.slice(2).replace(/^\/+/, '');
  return result === '' || result === '.' ? '.' : result.replace(/\/(\.\/)+/g, '/').replace(/\/+/g, '/');
}

/**
 * Admits the entries of one stream in order and refuses the first unsafe one. Every prefix
 * of a name must be a directory of this stream (or not seen yet: tar streams may omit
 * parents, which the writer then creates as plain directories).
 */
export class EntryGuard {
  private readonly kinds = new Map<string, EntryKind>();

  constructor(private readonly from: string) {}

  admit(entry: GuardedEntry): void {
    const reason = this.reasonToRefuse(entry);
    if (reason) {
      throw new RemoraError(
        'PATH_OUTSIDE_ROOT',
        `refused the entry ${JSON.stringify(entry.name)} in the copy from ${this.from}: ${reason}`,
        {
          hint: 'nothing was written outside the destination; the source may have been tampered with',
        },
      );
    }
  }

  private reasonToRefuse(entry: GuardedEntry): string | null {
    const { name, kind } = entry;
    const bad = unsafeNameReason(name);
    if (bad) return bad;
    if (name !== '.') {
      const parts = name.split('/');
      for (let depth = 0; depth < parts.length; depth++) {
        const prefix = depth === 0 ? '.' : parts.slice(0, depth).join('/');
        const seen = this.kinds.get(prefix);
        if (seen === undefined) {
          this.kinds.set(prefix, 'directory');
        } else if (seen !== 'directory') {
          return `it is below ${prefix === '.' ? 'the copied item' : JSON.stringify(prefix)}, which is a ${seen === 'hardlink' ? 'file' : seen}`;
        }
      }
    }
    if (kind === 'hardlink') {
      const link = entry.linkName ?? '';
      const linkBad = unsafeNameReason(link);
      if (linkBad || link === '.') return `a hard link to ${JSON.stringify(link)}, which is ${linkBad ?? 'the copied item'}`;
      const linked = this.kinds.get(link);
      if (linked !== 'file' && linked !== 'hardlink') return `a hard link to ${JSON.stringify(link)}, which is not a file of this copy`;
    }
    const previous = this.kinds.get(name);
    if (previous !== undefined && previous !== kind && !(isFileLike(previous) && isFileLike(kind))) {
      return `it appears twice, as a ${previous} and as a ${kind}`;
    }
    this.kinds.set(name, kind);
    return null;
  }
}

function isFileLike(kind: EntryKind): boolean {
  return kind === 'file' || kind === 'hardlink';
}
