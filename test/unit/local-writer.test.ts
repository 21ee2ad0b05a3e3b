// The local side of a copy-out, fed crafted streams (what a hostile target could send):
// nothing may land outside the destination, and no temporary may stay behind.
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FsRecord } from '../../src/core/fs-records.js';
import type { CopyEntry } from '../../src/ops/copy-entries.js';
import { writeLocalTree } from '../../src/ops/local-writer.js';

let work: string;
let dest: string;
let outside: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'remora-writer-'));
  dest = join(work, 'dest');
  outside = join(work, 'outside');
  mkdirSync(dest);
  mkdirSync(outside);
});

afterEach(() => rmSync(work, { recursive: true, force: true }));

const MTIME = Date.UTC(2020, 0, 2, 3, 4, 5);

function rec(kind: FsRecord['kind'], name: string, extra: Partial<FsRecord> = {}): FsRecord {
  return { kind, mode: kind === 'directory' ? 0o755 : 0o644, uid: 0, gid: 0, mtimeMs: MTIME, name, link: '', size: 0, flags: 0, ...extra };
}

function file(name: string, text: string, extra: Partial<FsRecord> = {}): CopyEntry {
  return {
    record: rec('file', name, { size: Buffer.byteLength(text), ...extra }),
    data: (async function* () {
      yield Buffer.from(text);
    })(),
  };
}

async function* stream(list: CopyEntry[]): AsyncGenerator<CopyEntry> {
  yield* list;
}

const write = (list: CopyEntry[], name: string | null = 'copy') =>
  writeLocalTree(stream(list), { plan: { dir: dest, name }, from: 'app:/x', keepOwners: false });

/** Every name below a directory, temporaries included. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      out.push(`${prefix}${name}`);
      if (lstatSync(path).isDirectory()) walk(path, `${prefix}${name}/`);
    }
  };
  walk(dir, '');
  return out;
}

describe('writeLocalTree', () => {
  it('writes files, directories and symlinks with their modes and times, odd names included', async () => {
    const odd = 'sp ace/new\nline/ünï€';
    await write([
      { record: rec('directory', '.', { mode: 0o750 }), data: null },
      { record: rec('directory', 'sp ace'), data: null },
      { record: rec('directory', 'sp ace/new\nline'), data: null },
      file(odd, 'odd', { mode: 0o600 }),
      { record: rec('symlink', 'abs', { link: '/etc/passwd' }), data: null },
      { record: rec('hardlink', 'hard', { link: odd }), data: null },
    ]);
    expect(readFileSync(join(dest, 'copy', odd), 'utf8')).toBe('odd');
    expect(lstatSync(join(dest, 'copy', odd)).mode & 0o7777).toBe(0o600);
    expect(lstatSync(join(dest, 'copy', odd)).mtimeMs).toBe(MTIME);
    expect(lstatSync(join(dest, 'copy')).mode & 0o7777).toBe(0o750);
    expect(lstatSync(join(dest, 'copy')).mtimeMs).toBe(MTIME);
    expect(readlinkSync(join(dest, 'copy', 'abs'))).toBe('/etc/passwd');
    expect(lstatSync(join(dest, 'copy', 'hard')).ino).toBe(lstatSync(join(dest, 'copy', odd)).ino);
  });

  it('refuses a file written through a symlink the stream made, and writes nothing outside', async () => {
    await expect(
      write([
        { record: rec('directory', '.'), data: null },
        { record: rec('symlink', 'evil', { link: outside }), data: null },
        file('evil/pwned', 'gotcha'),
      ]),
    ).rejects.toThrow('refused the entry "evil/pwned" in the copy from app:/x: it is below "evil", which is a symlink');
    expect(readdirSync(outside)).toEqual([]);
    expect(tree(dest)).toEqual(['copy', 'copy/evil']);
  });

  it('refuses .. and absolute names and hard links out of the copy', async () => {
    await expect(write([{ record: rec('directory', '.'), data: null }, file('../../outside/x', 'x')])).rejects.toThrow('a ".." component');
    await expect(write([{ record: rec('directory', '.'), data: null }, file('/etc/x', 'x')])).rejects.toThrow('an absolute name');
    writeFileSync(join(outside, 'secret'), 'secret');
    await expect(
      write([
        { record: rec('directory', '.'), data: null },
        { record: rec('hardlink', 'h', { link: '../outside/secret' }), data: null },
      ]),
    ).rejects.toThrow('a hard link to "../outside/secret"');
    expect(readdirSync(outside)).toEqual(['secret']);
  });

  it('never follows a symlink that was already in the destination', async () => {
    symlinkSync(outside, join(dest, 'sub'));
    await expect(
      write([{ record: rec('directory', '.'), data: null }, { record: rec('directory', 'sub'), data: null }, file('sub/x', 'x')], null),
    ).rejects.toThrow(`refused to write through the symbolic link ${join(dest, 'sub')} in the destination`);
    await expect(write([{ record: rec('directory', '.'), data: null }, file('sub/x', 'x')], null)).rejects.toThrow(
      'refused to write through the symbolic link',
    );
    expect(readdirSync(outside)).toEqual([]);
  });

  it('replaces a symlink at the final name instead of writing through it', async () => {
    writeFileSync(join(outside, 'target'), 'keep me');
    symlinkSync(join(outside, 'target'), join(dest, 'name'));
    await write([file('.', 'new content')], 'name');
    expect(readFileSync(join(outside, 'target'), 'utf8')).toBe('keep me');
    expect(lstatSync(join(dest, 'name')).isFile()).toBe(true);
    expect(readFileSync(join(dest, 'name'), 'utf8')).toBe('new content');
  });

  it('leaves the old file and no temporary when the stream fails mid-file', async () => {
    writeFileSync(join(dest, 'old'), 'old content');
    const failing: CopyEntry = {
      record: rec('file', '.', { size: 1_000_000 }),
      data: (async function* () {
        yield Buffer.alloc(1000, 1);
        throw new Error('connection lost');
      })(),
    };
    await expect(write([failing], 'old')).rejects.toThrow('connection lost');
    expect(readFileSync(join(dest, 'old'), 'utf8')).toBe('old content');
    expect(tree(dest)).toEqual(['old']);
  });

  it('stops on abort, removing its temporary', async () => {
    writeFileSync(join(dest, 'old'), 'old content');
    const controller = new AbortController();
    const slow: CopyEntry = {
      record: rec('file', '.', { size: 2000 }),
      data: (async function* () {
        yield Buffer.alloc(1000, 1);
        controller.abort(new Error('interrupted by SIGINT'));
        yield Buffer.alloc(1000, 1);
      })(),
    };
    await expect(
      writeLocalTree(stream([slow]), { plan: { dir: dest, name: 'old' }, from: 'app:/x', keepOwners: false, signal: controller.signal }),
    ).rejects.toThrow('interrupted by SIGINT');
    expect(tree(dest)).toEqual(['old']);
    expect(readFileSync(join(dest, 'old'), 'utf8')).toBe('old content');
  });
});
