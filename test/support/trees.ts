// File trees for the cp tests: a local tree with every awkward thing in it, and one
// description format for a tree on either side (read on the target with the toolkit's own
// find and sha256sum, never with remora cp), so a round trip is compared, not trusted.
import { createHash } from 'node:crypto';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  linkSync,
  utimesSync,
  writeFileSync,
  openSync,
  ftruncateSync,
  closeSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { execaSync } from 'execa';
import { remora } from './fixtures.js';

export interface TreeEntry {
  name: string;
  /** f, d, l (as find's %y). */
  type: string;
  /** Permission bits, octal without leading zeros (as find's %m). */
  mode: string;
  mtime: number;
  /** Files: size; symlinks: their target. */
  detail: string;
  owner: string;
  sha: string;
  /** Hard links: the first name (sorted) of the group this entry belongs to. */
  linkGroup: string;
}

export const ODD_NAMES = ['sp ace.txt', 'new\nline.txt', 'ünï€odé 名前.txt', '-dash', '.hidden', 'quote\'"\\back'];
export const FIXED_MTIME = new Date('2021-06-07T08:09:10Z');

/**
 * A tree with odd names, modes, fixed mtimes, relative and absolute symlinks, hard links,
 * a sparse file and a fifo (which a copy skips with a warning).
 */
export function makeTree(root: string, options: { fifo?: boolean } = {}): void {
  mkdirSync(join(root, 'sub', 'deep'), { recursive: true });
  for (const [i, name] of ODD_NAMES.entries()) writeFileSync(join(root, name), `content of ${JSON.stringify(name)} #${i}\n`);
  writeFileSync(join(root, 'sub', 'deep', 'random.bin'), createHash('sha512').update('seed').digest().toString('hex').repeat(3000));
  writeFileSync(join(root, 'run.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(join(root, 'run.sh'), 0o755);
  writeFileSync(join(root, 'secret.key'), 'k');
  chmodSync(join(root, 'secret.key'), 0o600);
  writeFileSync(join(root, 'empty'), '');
  symlinkSync('sub/deep/random.bin', join(root, 'link-rel'));
  symlinkSync('/etc/passwd', join(root, 'link-abs'));
  symlinkSync('does/not/exist', join(root, 'link-dangling'));
  writeFileSync(join(root, 'hard-a'), 'shared inode\n');
  linkSync(join(root, 'hard-a'), join(root, 'sub', 'hard-b'));
  const sparse = openSync(join(root, 'sparse.img'), 'w');
  ftruncateSync(sparse, 8 * 1024 * 1024);
  writeSync(sparse, 'middle', 4 * 1024 * 1024);
  closeSync(sparse);
  if (options.fifo) execaSync('mkfifo', [join(root, 'a-fifo')]);
  chmodSync(join(root, 'sub'), 0o750);
  for (const path of allPaths(root)) {
    if (!lstatSync(path).isSymbolicLink()) utimesSync(path, FIXED_MTIME, FIXED_MTIME);
  }
}

function allPaths(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const info = lstatSync(path);
      if (info.isDirectory()) walk(path);
      out.push(path);
    }
  };
  walk(root);
  return out.sort((a, b) => b.length - a.length);
}

function groupLinks(entries: Array<TreeEntry & { inode: string; nlink: number }>): TreeEntry[] {
  const groups = new Map<string, string>();
  for (const entry of [...entries].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.type === 'f' && entry.nlink > 1 && !groups.has(entry.inode)) groups.set(entry.inode, entry.name);
  }
  return entries
    .map(({ inode, nlink, ...entry }) => ({ ...entry, linkGroup: entry.type === 'f' && nlink > 1 ? (groups.get(inode) ?? '') : '' }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A local tree, in the shape targetTree gives. */
export function localTree(root: string): TreeEntry[] {
  const entries: Array<TreeEntry & { inode: string; nlink: number }> = [];
  const walk = (dir: string, prefix: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const info = lstatSync(path);
      const rel = `${prefix}${name}`;
      const type = info.isDirectory() ? 'd' : info.isSymbolicLink() ? 'l' : info.isFile() ? 'f' : 'p';
      entries.push({
        name: rel,
        type,
        mode: (info.mode & 0o7777).toString(8),
        mtime: Math.floor(info.mtimeMs / 1000),
        detail: type === 'f' ? String(info.size) : type === 'l' ? readlinkSync(path) : '',
        owner: `${info.uid}:${info.gid}`,
        sha: type === 'f' ? createHash('sha256').update(readFileSync(path)).digest('hex') : '',
        linkGroup: '',
        inode: String(info.ino),
        nlink: info.nlink,
      });
      if (type === 'd') walk(path, `${rel}/`);
    }
  };
  walk(root, '');
  return groupLinks(entries);
}

/** A tree inside a target, read with the toolkit's find and sha256sum through /target. */
export async function targetTree(target: string, path: string): Promise<TreeEntry[]> {
  const script = [
    'cd "/target$1" || exit 3',
    "find . -mindepth 1 -printf '%P\\0%y\\0%m\\0%T@\\0%s\\0%l\\0%U:%G\\0%i\\0%n\\0'",
    "printf 'SHA-SECTION\\0'",
    'find . -type f -print0 | xargs -0 -r sha256sum -z',
  ].join('\n');
  const result = await remora(['exec', target, '--', 'sh', '-c', script, 'sh', path]);
  if (result.exitCode !== 0) throw new Error(`reading ${target}:${path} failed: ${result.stderr}`);
  const parts = result.stdout.split('\0');
  const marker = parts.indexOf('SHA-SECTION');
  const shas = new Map<string, string>();
  for (const line of parts.slice(marker + 1)) {
    const match = /^([0-9a-f]{64}) {2}\.\/(.*)$/s.exec(line);
    if (match) shas.set(match[2] as string, match[1] as string);
  }
  const entries: Array<TreeEntry & { inode: string; nlink: number }> = [];
  const fields = parts.slice(0, marker);
  for (let i = 0; i + 8 < fields.length + 1; i += 9) {
    const [name = '', type = '', mode = '', mtime = '', size = '', link = '', owner = '', inode = '', nlink = ''] = fields.slice(i, i + 9);
    entries.push({
      name,
      type,
      mode,
      mtime: Math.floor(Number(mtime)),
      detail: type === 'f' ? size : type === 'l' ? link : '',
      owner,
      sha: shas.get(name) ?? '',
      linkGroup: '',
      inode,
      nlink: Number(nlink),
    });
  }
  return groupLinks(entries);
}

/** Drops what a comparison should not look at. */
export function without<K extends keyof TreeEntry>(tree: TreeEntry[], ...keys: K[]): Array<Omit<TreeEntry, K>> {
  return tree.map((entry) => {
    const copy: Partial<TreeEntry> = { ...entry };
    for (const key of keys) delete copy[key];
    return copy as Omit<TreeEntry, K>;
  });
}

/** Runs a shell script in the target's toolkit (setup and checks); throws on failure. */
export async function inToolkit(target: string, script: string, ...args: string[]): Promise<string> {
  const result = await remora(['exec', target, '--', 'sh', '-c', script, 'sh', ...args]);
  if (result.exitCode !== 0) throw new Error(`toolkit script failed (${result.exitCode}): ${result.stderr}`);
  return result.stdout;
}
