// Directory listings of a target, parsed from what ops/list-directory.ts prints in the
// toolkit: NUL-separated records (any byte but NUL survives in a name), with the target's
// own passwd and group files so owners are named as the target names them. Pure.
import { RemoraError } from './errors.js';
import { parseGroup, parsePasswd } from './proc-parsers.js';

export type FileType = 'file' | 'directory' | 'symlink' | 'fifo' | 'socket' | 'char' | 'block' | 'other';

export interface FileEntry {
  name: string;
  type: FileType;
  size: number;
  /** Permission bits with setuid/setgid/sticky (07777). */
  mode: number;
  uid: number;
  gid: number;
  /** Names from the target's /etc/passwd and /etc/group; the number when it has none. */
  user: string;
  group: string;
  mtimeMs: number;
  /** A symlink's text, as stored (resolved inside the target only when followed). */
  linkTarget?: string;
}

export interface ParsedListing {
  /** The directory listed, resolved inside the target. */
  path: string;
  /** Set when the path resolved to something that is not a directory. */
  notDirectory: boolean;
  entries: FileEntry[];
}

const FIND_TYPES: Record<string, FileType> = { f: 'file', d: 'directory', l: 'symlink', p: 'fifo', s: 'socket', c: 'char', b: 'block' };
const FIELDS_PER_ENTRY = 8;

/**
 * Parses the listing script's output:
 *   D \0 <resolved dir> \0   (or N \0 <resolved path> \0 when it is not a directory)
 *   E \0 name \0 type \0 size \0 mode \0 uid \0 gid \0 mtime \0 link \0   per entry
 *   P \0 <base64 of the target's /etc/passwd> \0   G \0 <base64 of /etc/group> \0
 * Entries come sorted: directories first, then by name.
 */
export function parseDirectoryListing(output: Buffer | string): ParsedListing {
  const tokens = (typeof output === 'string' ? output : output.toString('utf8')).split('\0');
  let path: string | undefined;
  let notDirectory = false;
  let passwd = new Map<number, string>();
  let groups = new Map<number, string>();
  const raw: Array<Omit<FileEntry, 'user' | 'group'>> = [];
  for (let i = 0; i < tokens.length;) {
    const tag = tokens[i];
    if (tag === 'D' || tag === 'N') {
      path = tokens[i + 1] ?? '/';
      notDirectory = tag === 'N';
      i += 2;
    } else if (tag === 'P' || tag === 'G') {
      const text = Buffer.from(tokens[i + 1] ?? '', 'base64').toString('utf8');
      if (tag === 'P') passwd = parsePasswd(text);
      else groups = parseGroup(text);
      i += 2;
    } else if (tag === 'E') {
      const f = tokens.slice(i + 1, i + 1 + FIELDS_PER_ENTRY);
      if (f.length < FIELDS_PER_ENTRY) break;
      const [name, type, size, mode, uid, gid, mtime, link] = f as [string, string, string, string, string, string, string, string];
      const entry: Omit<FileEntry, 'user' | 'group'> = {
        name,
        type: FIND_TYPES[type] ?? 'other',
        size: Number(size) || 0,
        mode: parseInt(mode, 8) || 0,
        uid: Number(uid),
        gid: Number(gid),
        mtimeMs: Math.round(Number(mtime) * 1000) || 0,
      };
      if (entry.type === 'symlink') entry.linkTarget = link;
      raw.push(entry);
      i += 1 + FIELDS_PER_ENTRY;
    } else {
      i++;
    }
  }
  if (path === undefined) throw new RemoraError('OPERATION_FAILED', 'the directory listing from the toolkit is incomplete');
  const entries = raw.map((e) => ({ ...e, user: passwd.get(e.uid) ?? String(e.uid), group: groups.get(e.gid) ?? String(e.gid) }));
  entries.sort(
    (a, b) => Number(b.type === 'directory') - Number(a.type === 'directory') || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  return { path, notDirectory, entries };
}

/** `drwxr-xr-x` as ls prints it, setuid/setgid/sticky included. */
export function formatMode(type: FileType, mode: number): string {
  const letter: Record<FileType, string> = {
    file: '-',
    directory: 'd',
    symlink: 'l',
    fifo: 'p',
    socket: 's',
    char: 'c',
    block: 'b',
    other: '?',
  };
  const bit = (mask: number, ch: string): string => (mode & mask ? ch : '-');
  const special = (exec: number, flag: number, set: string, unset: string): string => {
    if (mode & flag) return mode & exec ? set : unset;
    return mode & exec ? 'x' : '-';
  };
  return (
    letter[type] +
    bit(0o400, 'r') +
    bit(0o200, 'w') +
    special(0o100, 0o4000, 's', 'S') +
    bit(0o040, 'r') +
    bit(0o020, 'w') +
    special(0o010, 0o2000, 's', 'S') +
    bit(0o004, 'r') +
    bit(0o002, 'w') +
    special(0o001, 0o1000, 't', 'T')
  );
}
