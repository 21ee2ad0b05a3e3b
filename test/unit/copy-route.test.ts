import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ARCHIVE_ROUTE_MIN_BYTES,
  chooseCopyRoute,
  kindOfEngineMode,
  mayTakeArchiveRoute,
  type TargetFacts,
} from '../../src/core/copy-route.js';
import { parseMountInfo } from '../../src/core/mount-info.js';

// Captured from `docker run -v cpr-vol:/data --tmpfs /scratch ...` on dockerd 20.10 (overlay2).
const mountInfo = parseMountInfo(readFileSync(new URL('../fixtures/mountinfo/volume-and-tmpfs.txt', import.meta.url), 'utf8'));
const readOnlyInfo = parseMountInfo(readFileSync(new URL('../fixtures/mountinfo/read-only-target.txt', import.meta.url), 'utf8'));

const target: TargetFacts = {
  standIn: false,
  readonlyRootfs: false,
  mounts: [{ type: 'volume', destination: '/data', readWrite: true }],
  mountInfo,
};
const big = { kind: 'file' as const, size: 512 * 1024 * 1024 };

describe('mayTakeArchiveRoute', () => {
  it('only for regular files of 128 MiB and more', () => {
    expect(mayTakeArchiveRoute(big)).toBe(true);
    expect(mayTakeArchiveRoute({ kind: 'file', size: ARCHIVE_ROUTE_MIN_BYTES })).toBe(true);
    expect(mayTakeArchiveRoute({ kind: 'file', size: ARCHIVE_ROUTE_MIN_BYTES - 1 })).toBe(false);
    expect(mayTakeArchiveRoute({ kind: 'directory', size: 1 << 30 })).toBe(false);
    expect(mayTakeArchiveRoute({ kind: 'symlink', size: 1 << 30 })).toBe(false);
  });
});

describe('chooseCopyRoute', () => {
  it("takes the archive route on the target's writable overlay root", () => {
    expect(chooseCopyRoute(big, '/bench', target)).toEqual({
      kind: 'archive',
      reason: "a 512 MiB file on the target's writable overlay root",
    });
  });

  it('takes the archive route on a writable volume or bind mount, below it too', () => {
    expect(chooseCopyRoute(big, '/data/sub', target)).toEqual({
      kind: 'archive',
      reason: 'a 512 MiB file on the writable volume at /data',
    });
    const bind = { ...target, mounts: [{ type: 'bind', destination: '/data', readWrite: true }] };
    expect(chooseCopyRoute(big, '/data', bind).kind).toBe('archive');
  });

  it('keeps the exec stream for a tmpfs, which the archive API does not see', () => {
    expect(chooseCopyRoute(big, '/scratch', target)).toEqual({
      kind: 'exec',
      reason: 'on the tmpfs at /scratch, which only the toolkit sees',
    });
    expect(chooseCopyRoute(big, '/dev/shm', target).kind).toBe('exec');
  });

  it('keeps the exec stream for read-only mounts and a read-only root', () => {
    const readOnlyVolume = { ...target, mounts: [{ type: 'volume', destination: '/data', readWrite: false }] };
    expect(chooseCopyRoute(big, '/data', readOnlyVolume)).toEqual({ kind: 'exec', reason: 'on a read-only volume mount at /data' });
    expect(chooseCopyRoute(big, '/bench', { ...target, readonlyRootfs: true })).toEqual({
      kind: 'exec',
      reason: "the target's root is read-only",
    });
    expect(chooseCopyRoute(big, '/sys/x', target)).toEqual({ kind: 'exec', reason: 'on a read-only mount (the mount at /sys)' });
    expect(chooseCopyRoute(big, '/', { ...target, mountInfo: readOnlyInfo }).kind).toBe('exec');
  });

  it('keeps the exec stream for mounts the engine did not make, stand-ins, small files and non-files', () => {
    expect(chooseCopyRoute(big, '/etc/hosts', target)).toEqual({
      kind: 'exec',
      reason: 'on a mount at /etc/hosts the engine did not make',
    });
    expect(chooseCopyRoute(big, '/proc/1', target).kind).toBe('exec');
    expect(chooseCopyRoute(big, '/bench', { ...target, standIn: true })).toEqual({
      kind: 'exec',
      reason: 'the target has no process: its files are a stand-in',
    });
    expect(chooseCopyRoute({ kind: 'file', size: 1024 }, '/bench', target)).toEqual({ kind: 'exec', reason: 'smaller than 128 MiB' });
    expect(chooseCopyRoute({ kind: 'directory', size: 1 << 30 }, '/bench', target)).toEqual({ kind: 'exec', reason: 'not a regular file' });
  });

  it('keeps the exec stream on a root that is not an overlay', () => {
    const vfs = parseMountInfo('1 0 0:1 / / rw,relatime - ext4 /dev/vda rw\n');
    expect(chooseCopyRoute(big, '/bench', { ...target, mountInfo: vfs })).toEqual({
      kind: 'exec',
      reason: "the target's root is ext4, not an overlay",
    });
  });
});

describe('kindOfEngineMode', () => {
  it("reads Go's file mode bits, as dockerd's path stat sends them", () => {
    expect(kindOfEngineMode(0o644)).toBe('file');
    expect(kindOfEngineMode(2147484141)).toBe('directory'); // ModeDir | 0755
    expect(kindOfEngineMode(134218239)).toBe('symlink'); // ModeSymlink | 0777
    expect(kindOfEngineMode(2 ** 25 + 0o644)).toBe('other'); // a named pipe
    expect(kindOfEngineMode(2 ** 26 + 2 ** 21 + 0o666)).toBe('other'); // a character device
  });
});
