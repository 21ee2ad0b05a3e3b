// Directory listings of a target, parsed from the records toolkit-scripts/list-directory.sh
// prints (core/proc-dump.ts: any byte but NUL survives in a name), with the target's own
// passwd and group files so owners are named as the target names them. Pure.
import { RemoraError } from './errors.js';
import { splitDump } from './proc-dump.js';
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
/** "TYPE SIZE MODE UID GID MTIME NAME": the name is the rest, spaces and all. */
const ENTRY = /^(\S+) (\S+) (\S+) (\S+) (\S+) (\S+) ([^]*)$/;

/**
 * Parses the listing script's records (toolkit-scripts/list-directory.sh):
 *   @dir:RESOLVED (or @notdir:RESOLVED when it is not a directory)
 *   @entry:TYPE SIZE MODE UID GID MTIME NAME per entry, then @link:TEXT for a symlink
 *   ROOT/etc/passwd:CONTENT and ROOT/etc/group:CONTENT, the target's own
 * Entries come sorted: directories first, then by name.
 */
export function parseDirectoryListing(output: Buffer | string): ParsedListing {
  let path: string | undefined;
  let notDirectory = false;
  let passwd = new Map<number, string>();
  let groups = new Map<number, string>();
  const raw: Array<Omit<FileEntry, 'user' | 'group'>> = [];
  for (const record of splitDump(output)) {
    if (record.path === '@dir' || record.path === '@notdir') {
      path = record.content;
      notDirectory = record.path === '@notdir';
    } else if (record.path === '@entry') {
      const m = ENTRY.exec(record.content);
      if (!m) continue;
      const [, type = '', size = '', mode = '', uid = '', gid = '', mtime = '', name = ''] = m;
      raw.push({
        name,
        type: FIND_TYPES[type] ?? 'other',
        size: Number(size) || 0,
        mode: parseInt(mode, 8) || 0,
        uid: Number(uid),
        gid: Number(gid),
        mtimeMs: Math.round(Number(mtime) * 1000) || 0,
      });
    } else if (record.path === '@link') {
      const entry = raw[raw.length - 1];
      if (entry?.type === 'symlink') entry.linkTarget = record.content;
    } else if (record.path.endsWith('/etc/passwd')) {
      // The only records that are paths: the account files, under the target's root.
      passwd = parsePasswd(record.content);
    } else if (record.path.endsWith('/etc/group')) {
      groups = parseGroup(record.content);
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
