import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  claimServerStart,
  engineControlBase,
  engineKey,
  makeControlDir,
  removeControlDir,
  sweepControlDirs,
} from '../../src/session/control-dir.js';

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'remora-control-test-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

describe('control directories', () => {
  it('makes a private base per user and engine, and an open directory per session under it', () => {
    const base = engineControlBase('unix:///var/run/docker.sock', join(scratch, 'remora-me'));
    expect(base).toBe(join(scratch, 'remora-me', engineKey('unix:///var/run/docker.sock')));
    expect(statSync(join(scratch, 'remora-me')).mode & 0o777).toBe(0o700);
    const dir = makeControlDir(base as string) as string;
    expect(dir.startsWith(`${base}/`)).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o777);
    expect(engineKey('unix:///run/podman/podman.sock')).not.toBe(engineKey('unix:///var/run/docker.sock'));
  });

  it('refuses a base that others can enter, or that is a symlink', () => {
    const open = join(scratch, 'open');
    mkdirSync(open, { mode: 0o755 });
    chmodSync(open, 0o755);
    expect(engineControlBase('unix:///x.sock', open)).toBeUndefined();
    const elsewhere = join(scratch, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    symlinkSync(elsewhere, join(scratch, 'link'));
    expect(engineControlBase('unix:///x.sock', join(scratch, 'link'))).toBeUndefined();
  });

  it('lets one command claim the start of a server', () => {
    const dir = makeControlDir(engineControlBase('unix:///x.sock', join(scratch, 'b')) as string) as string;
    expect(claimServerStart(dir)).toBe(true);
    expect(claimServerStart(dir)).toBe(false);
  });

  it('removes only a directory right under the base, whatever a label says', () => {
    const base = engineControlBase('unix:///x.sock', join(scratch, 'b')) as string;
    const dir = makeControlDir(base) as string;
    writeFileSync(join(dir, 'control.sock'), '');
    removeControlDir(join(base, '..'), base);
    removeControlDir('/etc', base);
    expect(existsSync(base)).toBe(true);
    removeControlDir(dir, base);
    expect(existsSync(dir)).toBe(false);
  });

  it('sweeps the directories no toolkit names, once past the grace for one being created', () => {
    const base = engineControlBase('unix:///x.sock', join(scratch, 'b')) as string;
    const [used, orphan, young] = [makeControlDir(base), makeControlDir(base), makeControlDir(base)] as string[];
    const old = new Date(Date.now() - 120_000);
    for (const dir of [used, orphan] as string[]) utimesSync(dir, old, old);
    sweepControlDirs(base, new Set([used as string]));
    expect([existsSync(used as string), existsSync(orphan as string), existsSync(young as string)]).toEqual([true, false, true]);
  });
});
