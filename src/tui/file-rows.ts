// The Files table as pure functions: an entry's cells (mode, owner, size, mtime, name with
// its symlink destination), and how the pager shows a file preview.
import { formatBytes } from '../core/bytes.js';
import { formatMode, type FileEntry } from '../core/directory-listing.js';
import type { FileDiff, FilePreview } from './data-source.js';
import { fuzzyKeep } from './fuzzy.js';
import type { PagerContent } from './pager.js';
import type { Column, Row } from './table.js';

export const FILE_COLUMNS: Column[] = [
  { header: 'MODE', width: 10 },
  { header: 'OWNER', width: 8 },
  { header: 'SIZE', width: 6, align: 'right' },
  { header: 'MODIFIED', width: 12 },
  { header: 'NAME', minWidth: 12 },
];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HALF_YEAR_MS = 182 * 24 * 3600 * 1000;

/** As ls -l: "Nov 23 08:38" within six months, "Nov 23  2023" otherwise (UTC: the target's clock is the host's). */
export function formatMtime(mtimeMs: number, nowMs: number): string {
  const d = new Date(mtimeMs);
  const day = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)}`;
  if (Math.abs(nowMs - mtimeMs) < HALF_YEAR_MS)
    return `${day} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return `${day}  ${d.getUTCFullYear()}`;
}

export function displayName(entry: FileEntry): string {
  if (entry.type === 'directory') return `${entry.name}/`;
  if (entry.type === 'symlink') return `${entry.name} -> ${entry.linkTarget ?? '?'}`;
  return entry.name;
}

/**
 * The rows; `mark` gives an entry's change against the image (A/C, as `remora diff`), shown
 * before its name when any entry of the directory has one. `deleted` names what the
 * container deleted here (only the image has it): dimmed rows after the others, so D can
 * show what was there.
 */
export function fileTableRows(
  entries: readonly FileEntry[],
  filter: string,
  nowMs: number,
  mark: (name: string) => string | undefined = () => undefined,
  deleted: readonly string[] = [],
): Row[] {
  const marked = deleted.length > 0 || entries.some((e) => mark(e.name) !== undefined);
  const gone: Row[] = fuzzyKeep(deleted, filter, (name) => name).map((name) => ({
    key: name,
    style: 'dim',
    cells: ['-', '', '', '', { text: `D ${name}`, style: 'dim' }],
  }));
  const present: Row[] = fuzzyKeep(entries, filter, (e) => e.name).map((e) => ({
    key: e.name,
    cells: [
      formatMode(e.type, e.mode),
      e.user,
      e.type === 'directory' ? '-' : formatBytes(e.size, 'column'),
      formatMtime(e.mtimeMs, nowMs),
      {
        text: marked ? `${mark(e.name) ?? ' '} ${displayName(e)}` : displayName(e),
        style:
          e.type === 'directory' ? 'accent' : e.type === 'symlink' ? 'good' : e.mode & 0o111 && e.type === 'file' ? 'warning' : undefined,
      },
    ],
  }));
  return [...present, ...gone];
}

/** The pager of the Files view's D: the unified diff, or one line on why there is none to show. */
export function diffPager(path: string, diff: FileDiff): PagerContent {
  const title = `${path} against the image`;
  switch (diff.kind) {
    case 'text':
      return { title, subtitle: 'changed · unified diff', lines: diff.diff.replace(/\n$/, '').split('\n') };
    case 'same':
      return { title, lines: ['', "  the same as the image's version"] };
    case 'added':
      return { title, subtitle: 'added', lines: ['', '  added by the container: the image has no such file (Enter views it)'] };
    case 'deleted':
      return { title, subtitle: 'deleted', lines: ['', '  deleted by the container: only the image has it'] };
    case 'binary':
      return { title, subtitle: 'changed', lines: ['', "  a binary file that differs from the image's version (d downloads it)"] };
    case 'no-image-version':
      return { title, lines: ['', `  ${diff.reason}`] };
  }
}

export function previewPager(preview: FilePreview): PagerContent {
  const subtitle = `${formatBytes(preview.size, 'column')} (${preview.size} bytes) · ${preview.type}`;
  if (preview.binary) {
    return {
      title: preview.path,
      subtitle,
      lines: [
        '',
        `  binary file: not shown (${preview.type})`,
        `  size: ${preview.size} bytes`,
        '',
        '  d downloads it from the Files view',
      ],
    };
  }
  const lines = preview.text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  if (preview.truncated)
    lines.push(
      '',
      `… only the first ${formatBytes(Buffer.byteLength(preview.text), 'column')} of ${formatBytes(preview.size, 'column')} are shown; d downloads the whole file`,
    );
  return { title: preview.path, subtitle, lines };
}
