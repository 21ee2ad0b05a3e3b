import { describe, expect, it } from 'vitest';
import { describePostMortem, formatAgo, noProcessMessage, standInMounts, type PostMortemSource } from '../../src/core/post-mortem.js';

const now = Date.parse('2026-12-06T01:00:00Z');
const exited: PostMortemSource = {
  kind: 'container',
  id: 'c1',
  name: 'app',
  status: 'exited',
  exitCode: 3,
  finishedAt: '2026-12-06T00:58:00Z',
};

describe('describePostMortem', () => {
  it('says how long ago a container exited, with its code, and what its files are', () => {
    expect(describePostMortem(exited, now)).toBe('exited 2m ago (code 3) — files as it left them; tmpfs contents are gone');
  });

  it('names created containers and images for what they are', () => {
    expect(describePostMortem({ ...exited, status: 'created', finishedAt: '0001-01-01T00:00:00Z' }, now)).toBe(
      'created, never started — the files of its image',
    );
    expect(describePostMortem({ kind: 'image', id: 'sha256:1', name: 'acc/app:1.2' }, now)).toBe(
      'an image, never run — its files as built',
    );
  });

  it('leaves out the age when the engine has no finish time', () => {
    expect(describePostMortem({ ...exited, finishedAt: '0001-01-01T00:00:00Z' }, now)).toBe(
      'exited (code 3) — files as it left them; tmpfs contents are gone',
    );
  });
});

describe('formatAgo', () => {
  it('is coarse, as docker ps is', () => {
    expect([0, 59, 60, 3599, 3600, 86400 * 3].map(formatAgo)).toEqual(['0s', '59s', '1m', '59m', '1h', '3d']);
  });
});

describe('noProcessMessage', () => {
  it('points to strace --from-start', () => {
    expect(noProcessMessage(exited, now)).toEqual({
      message: 'app exited 2m ago (code 3): no process is running',
      hint: 'trace it from its first instruction with `remora strace --from-start app`; its files: remora exec, shell, cp, attach',
    });
  });
});

describe('standInMounts', () => {
  const mounts = [
    { type: 'volume', name: 'data', source: '/var/lib/docker/volumes/data/_data', destination: '/data', readWrite: true },
    { type: 'volume', name: 'gone', source: '/var/lib/docker/volumes/gone/_data', destination: '/cache', readWrite: true },
    { type: 'bind', source: '/srv/conf', destination: '/etc/app', readWrite: false },
    { type: 'tmpfs', source: '', destination: '/run/a', readWrite: true },
  ];

  it('mounts volumes and binds read-only, tmpfs empty, and leaves out volumes that are gone', () => {
    const result = standInMounts(mounts, { '/tmp': 'size=1m' }, { rwVolumes: false, volumeExists: (name) => name === 'data' });
    expect(result.mounts).toEqual([
      { type: 'volume', source: 'data', target: '/data', readOnly: true },
      { type: 'bind', source: '/srv/conf', target: '/etc/app', readOnly: true },
      { type: 'tmpfs', target: '/run/a', readOnly: false },
      { type: 'tmpfs', target: '/tmp', readOnly: false },
    ]);
    expect(result.missingVolumes.map((m) => m.destination)).toEqual(['/cache']);
  });

  it('with --rw-volumes keeps what was writable writable, and a read-only mount read-only', () => {
    const result = standInMounts(mounts, {}, { rwVolumes: true, volumeExists: () => true });
    expect(result.mounts.filter((m) => m.type !== 'tmpfs').map((m) => [m.target, m.readOnly])).toEqual([
      ['/data', false],
      ['/cache', false],
      ['/etc/app', true],
    ]);
  });
});
