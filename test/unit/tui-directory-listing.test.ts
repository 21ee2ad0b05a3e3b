// The Files view's data on real output of the listing and preview scripts, captured in a
// toolkit on a scratch target (odd names, symlinks, a fifo, a file owned by 65532) by
// test/fixtures/listing/capture.sh.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatMode, parseDirectoryListing } from '../../src/core/directory-listing.js';
import { parsePreview } from '../../src/ops/preview-file.js';
import { fileTableRows, formatMtime, previewPager } from '../../src/tui/file-rows.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

describe('directory listing', () => {
  it('parses every entry, odd names included, directories first, owners from the target passwd', () => {
    const listing = parseDirectoryListing(fixture('listing/tmp.bin'));
    expect(listing.path).toBe('/tmp');
    expect(listing.notDirectory).toBe(false);
    expect(listing.entries.map((e) => e.name)).toEqual([
      'dir with space',
      'abs-link',
      'bin.dat',
      'café',
      'new\nline',
      'pipe',
      'rel-link',
      '日本語.txt',
    ]);
    const cafe = listing.entries.find((e) => e.name === 'café');
    expect(cafe).toMatchObject({
      type: 'file',
      size: 1,
      mode: 0o644,
      uid: 65532,
      user: 'nonroot',
      group: 'nonroot',
      mtimeMs: 1577934245000,
    });
    expect(listing.entries.find((e) => e.name === 'abs-link')).toMatchObject({ type: 'symlink', linkTarget: '/etc/passwd' });
    expect(listing.entries.find((e) => e.name === 'pipe')?.type).toBe('fifo');
  });

  it('reports the resolved path: symlinks followed and .. stopped inside the target', () => {
    expect(parseDirectoryListing(fixture('listing/via-symlink.bin'))).toMatchObject({ path: '/tmp/dir with space', entries: [] });
    expect(parseDirectoryListing(fixture('listing/dotdot.bin')).path).toBe('/etc');
    expect(parseDirectoryListing(fixture('listing/file.bin'))).toEqual({ path: '/tmp/日本語.txt', notDirectory: true, entries: [] });
  });

  it('writes modes as ls does', () => {
    expect(formatMode('directory', 0o1777)).toBe('drwxrwxrwt');
    expect(formatMode('file', 0o4755)).toBe('-rwsr-xr-x');
    expect(formatMode('file', 0o2644)).toBe('-rw-r-Sr--');
    expect(formatMode('symlink', 0o777)).toBe('lrwxrwxrwx');
  });

  it('shows symlink destinations and directories in the table', () => {
    const rows = fileTableRows(parseDirectoryListing(fixture('listing/tmp.bin')).entries, '', Date.UTC(2026, 10, 23));
    const names = rows.map((r) => r.cells[4]).map((c) => (typeof c === 'string' ? c : c?.text));
    expect(names).toContain('abs-link -> /etc/passwd');
    expect(names).toContain('dir with space/');
    expect(fileTableRows(parseDirectoryListing(fixture('listing/tmp.bin')).entries, 'caf', 0).map((r) => r.key)).toEqual(['café']);
    expect(formatMtime(Date.UTC(2020, 0, 2, 3, 4, 5), Date.UTC(2026, 10, 23))).toBe('Jan  2  2020');
    expect(formatMtime(Date.UTC(2026, 10, 23, 8, 5), Date.UTC(2026, 10, 23, 9))).toBe('Nov 23 08:05');
  });

  it('marks entries changed since the image (A/C) before their names, aligned, only where there are some', () => {
    const entries = parseDirectoryListing(fixture('listing/tmp.bin')).entries;
    const text = (rows: ReturnType<typeof fileTableRows>) => rows.map((r) => r.cells[4]).map((c) => (typeof c === 'string' ? c : c?.text));
    const marked = text(fileTableRows(entries, '', 0, (name) => (name === 'café' ? 'A' : undefined)));
    expect(marked).toContain('A café');
    expect(marked).toContain('  dir with space/');
    expect(text(fileTableRows(entries, '', 0, () => undefined))).toContain('dir with space/');
  });
});

describe('file preview', () => {
  it('reads a text file reached through an absolute symlink inside the target', () => {
    const preview = parsePreview('/tmp/abs-link', fixture('preview/passwd-via-absolute-link.bin'), 65536);
    expect(preview).toMatchObject({ size: 94, type: 'ASCII text', binary: false, truncated: false });
    // The target's passwd (two users), not the toolkit's.
    expect(preview.text).toBe('root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n');
    expect(previewPager(preview).lines).toHaveLength(2);
  });

  it('says a binary file is binary, with its size and type', () => {
    const data = parsePreview('/tmp/bin.dat', fixture('preview/binary.bin'), 65536);
    expect(data).toMatchObject({ binary: true, size: 9, text: '' });
    const elf = parsePreview('/app', fixture('preview/elf-truncated.bin'), 4096);
    expect(elf).toMatchObject({ binary: true, size: 904008 });
    expect(elf.type).toMatch(/^ELF 64-bit LSB executable/);
    const pager = previewPager(elf);
    expect(pager.subtitle).toMatch(/^883K \(904008 bytes\) · ELF/);
    expect(pager.lines.join('\n')).toContain('binary file: not shown');
  });

  it('says so when the answer is cut before the bytes of the file', () => {
    expect(() => parsePreview('/app', fixture('preview/elf-truncated.bin').subarray(0, 40), 4096)).toThrow(
      "/app: the toolkit's answer is incomplete",
    );
  });

  it('shows the head of a huge text file, never calls it binary, and says how much is shown', () => {
    // A NUL and a Latin-1 byte far into the first MiB: `file` (reading 64 KiB) says ASCII text.
    const head = Buffer.concat([
      Buffer.from('hello world\n'.repeat(87000)),
      Buffer.from([0x00, 0xe9, 0x0a]),
      Buffer.alloc(1 << 20, 'x'),
    ]).subarray(0, 1 << 20);
    const output = Buffer.concat([
      Buffer.from('@stat:{"type":"file","size":4500000000,"mode":"0644","uid":0,"gid":0,"mtime":1796520097}\0@type:ASCII text\0@data:'),
      head,
    ]);
    const preview = parsePreview('/tmp/big.txt', output, 1 << 20);
    expect(preview).toMatchObject({ binary: false, truncated: true, size: 4500000000 });
    const pager = previewPager(preview);
    expect(pager.lines[0]).toBe('hello world');
    expect(pager.lines.join('\n')).not.toContain('binary file');
    expect(pager.lines[pager.lines.length - 1]).toBe('… only the first 1.0M of 4.2G are shown; d downloads the whole file');
  });
});
