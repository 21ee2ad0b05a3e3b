// Owners of temporary things: the label's round trip, /proc/PID/stat's start time, and
// which leftovers a sweep takes for orphans.
import { describe, expect, it } from 'vitest';
import { LABEL, ROLE_STAND_IN, ROLE_STAND_IN_IMAGE } from '../../src/core/labels.js';
import { formatOwner, ownerLiveness, parseOwner, startTicksFromStat, type ProcessOwner } from '../../src/core/process-owner.js';
import { orphanedStandInImages, staleStandIns } from '../../src/session/stand-in.js';
import { ownerLabel, ownerState } from '../../src/session/process-owner.js';

const here: ProcessOwner = {
  pid: 4242,
  startTicks: '127918',
  boot: '16e747e1-4ce2-48c2-a19e-88877f5dc675',
  pidNamespace: 'pid:[4026531836]',
};

describe('process owners', () => {
  it('round-trips the label', () => {
    expect(formatOwner(here)).toBe('4242:127918@16e747e1-4ce2-48c2-a19e-88877f5dc675/pid:[4026531836]');
    expect(parseOwner(formatOwner(here))).toEqual(here);
    expect(parseOwner('4242')).toBeUndefined();
    expect(parseOwner(undefined)).toBeUndefined();
  });

  it('reads the start time from a real /proc/PID/stat, a command with spaces and parentheses included', () => {
    const stat =
      '17206 (cat) R 17202 17202 6868 0 -1 4194304 99 0 0 0 0 0 0 0 20 0 1 0 127918 3133440 378 18446744073709551615 94408487526400';
    expect(startTicksFromStat(stat)).toBe('127918');
    expect(startTicksFromStat(stat.replace('(cat)', '(a) b (c)'))).toBe('127918');
    expect(startTicksFromStat('garbage')).toBeUndefined();
  });

  it('says alive or gone only for an owner of the same boot and PID namespace', () => {
    const label = formatOwner({ ...here, pid: 7 });
    expect(ownerLiveness(label, here, () => '127918')).toBe('alive');
    expect(ownerLiveness(label, here, () => '999')).toBe('gone'); // the pid was reused
    expect(ownerLiveness(label, here, () => undefined)).toBe('gone');
    expect(ownerLiveness(label, { ...here, boot: 'other' }, () => '127918')).toBe('unknown');
    expect(ownerLiveness(label, { ...here, pidNamespace: 'pid:[1]' }, () => '127918')).toBe('unknown');
    expect(ownerLiveness(undefined, here, () => '127918')).toBe('unknown');
    expect(ownerLiveness(label, undefined, () => '127918')).toBe('unknown');
  });

  it('names this process, which is alive, from /proc', () => {
    const label = ownerLabel();
    expect(parseOwner(label)?.pid).toBe(process.pid);
    expect(ownerState(label)).toBe('alive');
    expect(ownerState(formatOwner({ ...parseOwner(label)!, startTicks: '1' }))).toBe('gone');
  });
});

describe('sweeping leftovers by their owner', () => {
  const now = 1_800_000_000;
  const owners: Record<string, 'alive' | 'gone' | 'unknown'> = { a: 'alive', g: 'gone' };
  const ownerOf = (label: string | undefined) => owners[label ?? ''] ?? 'unknown';

  it("removes a temporary image at once when its maker is gone, an unknown maker's after ten minutes", () => {
    const image = (id: string, owner: string | undefined, age: number, role = ROLE_STAND_IN_IMAGE) => ({
      id,
      created: now - age,
      labels: { [LABEL.role]: role, ...(owner ? { [LABEL.owner]: owner } : {}) },
    });
    const images = [
      image('dead-new', 'g', 1),
      image('live-old', 'a', 3600),
      image('unknown-new', 'x', 60),
      image('unknown-old', undefined, 601),
      image('not-ours', 'g', 3600, 'something-else'),
    ];
    expect(orphanedStandInImages(images, now, ownerOf).map((i) => i.id)).toEqual(['dead-new', 'unknown-old']);
  });

  it("removes a never-started stand-in at once when its maker is gone, never a live maker's", () => {
    const c = (id: string, owner: string | undefined, age: number, state: 'created' | 'running' = 'created') => ({
      id,
      name: id,
      image: 'img',
      state,
      status: '',
      created: now - age,
      labels: { [LABEL.role]: ROLE_STAND_IN, ...(owner ? { [LABEL.owner]: owner } : {}) },
    });
    const listing = [
      c('dead', 'g', 1),
      c('live', 'a', 3600),
      c('unknown-new', undefined, 10),
      c('unknown-old', undefined, 61),
      c('running', 'g', 1, 'running'),
    ];
    expect(staleStandIns(listing, now, ownerOf).map((s) => s.id)).toEqual(['dead', 'unknown-old']);
  });
});
