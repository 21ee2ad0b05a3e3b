// Which stand-ins a command reuses and which a sweep removes: pure decisions from one listing.
import { describe, expect, it } from 'vitest';
import { LABEL, ROLE_STAND_IN } from '../../src/core/labels.js';
import type { ContainerSummary } from '../../src/engine/types.js';
import { reusableStandIn, staleStandIns, type PostMortemTarget } from '../../src/session/stand-in.js';

const now = 1_800_000_000;

function container(id: string, state: ContainerSummary['state'], labels: Record<string, string>, created = now - 3600): ContainerSummary {
  return { id, name: id, image: 'img', state, status: '', labels, created };
}

const target: PostMortemTarget = {
  source: { kind: 'container', id: 'orig', name: 'app', status: 'exited', exitCode: 3, finishedAt: '2026-12-06T00:58:00Z' },
  image: 'acc/app:1',
  config: { entrypoint: ['/app'], cmd: [], env: [], user: '', workingDir: '' },
  mounts: [],
  tmpfs: {},
  networkMode: 'default',
};

describe('reusableStandIn', () => {
  const standIn = (id: string, state: ContainerSummary['state'], of: string, extra: Record<string, string> = {}) =>
    container(id, state, { [LABEL.role]: ROLE_STAND_IN, [LABEL.standInFor]: 'orig', [LABEL.standInOf]: of, ...extra });

  it('reuses a running stand-in of the same exit only', () => {
    const listing = [
      standIn('old-exit', 'running', '2026-12-05T10:00:00Z'),
      standIn('ended', 'exited', target.source.kind === 'container' ? target.source.finishedAt : ''),
      standIn('same', 'running', '2026-12-06T00:58:00Z'),
    ];
    expect(reusableStandIn(listing, target)?.id).toBe('same');
  });

  it('never reuses a --from-start stand-in (it runs the program for one trace)', () => {
    expect(reusableStandIn([standIn('trace', 'running', '2026-12-06T00:58:00Z', { [LABEL.ephemeral]: 'true' })], target)).toBeUndefined();
  });
});

describe('staleStandIns', () => {
  it('sweeps stand-ins that never ran or ended, after a grace, and leaves running ones to their holder', () => {
    const listing = [
      container('created-old', 'created', { [LABEL.role]: ROLE_STAND_IN }),
      container('created-new', 'created', { [LABEL.role]: ROLE_STAND_IN }, now - 5),
      container('exited', 'exited', { [LABEL.role]: ROLE_STAND_IN }),
      container('running', 'running', { [LABEL.role]: ROLE_STAND_IN }),
      container('user-container', 'exited', {}),
    ];
    expect(staleStandIns(listing, now).map((c) => c.id)).toEqual(['created-old', 'exited']);
  });
});
