// The source/destination matrix of `docker cp`, run side by side with the real docker cp on
// the overlay root (where both can reach): file, directory, `dir/`, `dir/.` and `file/`
// into a missing name, `missing/`, an existing file, `file/`, an existing directory, `dir/`
// and a path whose parent is missing. Same success or failure, same resulting tree.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remora, startTarget, testEngine, type RunningTarget } from '../support/fixtures.js';
import { inToolkit, localTree, targetTree, type TreeEntry } from '../support/trees.js';

let engine: DockerEngine;
let target: RunningTarget;
let work: string;

const SOURCES = ['file', 'dir', 'dir/', 'dir/.', 'file/'];
const DESTINATIONS = ['new', 'new/', 'efile', 'efile/', 'edir', 'edir/', 'nope/x'];
const WHEN = new Date('2022-02-03T04:05:06Z');

/** Trees equal, but for directory times of "now" taken a moment apart by the two tools. */
function sameTree(a: TreeEntry[], b: TreeEntry[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((entry, i) => {
    const other = b[i] as TreeEntry;
    return JSON.stringify({ ...entry, mtime: 0 }) === JSON.stringify({ ...other, mtime: 0 }) && Math.abs(entry.mtime - other.mtime) <= 5;
  });
}

/** A sandbox: an existing file and an existing directory (with something in it). */
const SANDBOX_SCRIPT =
  'mkdir -p "$1/edir" && echo existing > "$1/efile" && echo kept > "$1/edir/kept" && touch -d @1600000000 "$1/efile" "$1/edir/kept" "$1/edir"';

beforeAll(async () => {
  engine = testEngine();
  target = await startTarget(engine, 'scratch');
  work = mkdtempSync(join(tmpdir(), 'remora-cp-matrix-'));
  // The same source tree on both sides.
  await inToolkit(
    target.name,
    'mkdir -p /target/m/dir/sub && echo F > /target/m/file && echo A > /target/m/dir/a && echo B > /target/m/dir/sub/b && touch -d @1640000000 /target/m/file /target/m/dir/a /target/m/dir/sub/b /target/m/dir/sub /target/m/dir',
  );
  mkdirSync(join(work, 'src', 'dir', 'sub'), { recursive: true });
  writeFileSync(join(work, 'src', 'file'), 'F\n');
  writeFileSync(join(work, 'src', 'dir', 'a'), 'A\n');
  writeFileSync(join(work, 'src', 'dir', 'sub', 'b'), 'B\n');
  for (const path of ['file', 'dir/a', 'dir/sub/b', 'dir/sub', 'dir']) utimesSync(join(work, 'src', path), WHEN, WHEN);
});

afterAll(async () => {
  await target?.[Symbol.asyncDispose]();
  engine?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the docker cp matrix', () => {
  it('copy-out: the same outcome as docker cp for every source and destination', { timeout: 300_000 }, async () => {
    const differences: string[] = [];
    for (const [i, source] of SOURCES.entries()) {
      for (const [j, dest] of DESTINATIONS.entries()) {
        const sandboxes = ['docker', 'remora'].map((who) => join(work, `out-${i}-${j}-${who}`));
        for (const dir of sandboxes) await execa('sh', ['-c', SANDBOX_SCRIPT, 'sh', dir]);
        const [dockerBox, remoraBox] = sandboxes as [string, string];
        const viaDocker = await execa('docker', ['cp', `${target.id}:/m/${source}`, dest], { cwd: dockerBox, reject: false });
        const viaRemora = await remora(['cp', `${target.name}:/m/${source}`, dest], { cwd: remoraBox });
        const outcome = (code: number | undefined): string => (code === 0 ? 'ok' : 'error');
        const pair = `docker cp t:/m/${source} ${dest}`;
        if (outcome(viaDocker.exitCode) !== outcome(viaRemora.exitCode)) {
          differences.push(
            `${pair}: docker ${outcome(viaDocker.exitCode)} (${viaDocker.stderr.trim()}), remora ${outcome(viaRemora.exitCode)} (${viaRemora.stderr.trim()})`,
          );
          continue;
        }
        const [a, b] = [localTree(dockerBox), localTree(remoraBox)];
        if (!sameTree(a, b)) differences.push(`${pair}: trees differ\n docker ${JSON.stringify(a)}\n remora ${JSON.stringify(b)}`);
      }
    }
    expect(differences).toEqual([]);
  });

  it('copy-in: the same outcome as docker cp for every source and destination', { timeout: 300_000 }, async () => {
    const cases = SOURCES.flatMap((source, i) => DESTINATIONS.map((dest, j) => ({ source, dest, box: `/in-${i}-${j}` })));
    // All sandboxes in one exec: two per case, made the same way.
    await inToolkit(
      target.name,
      `for box in "$@"; do ${SANDBOX_SCRIPT.replaceAll('"$1', '"/target$box')}; done`,
      ...cases.flatMap((c) => [`${c.box}-docker`, `${c.box}-remora`]),
    );
    const differences: string[] = [];
    for (const { source, dest, box } of cases) {
      const viaDocker = await execa('docker', ['cp', source, `${target.id}:${box}-docker/${dest}`], {
        cwd: join(work, 'src'),
        reject: false,
      });
      const viaRemora = await remora(['cp', source, `${target.name}:${box}-remora/${dest}`], { cwd: join(work, 'src') });
      const outcome = (code: number | undefined): string => (code === 0 ? 'ok' : 'error');
      const pair = `docker cp ${source} t:${dest}`;
      if (outcome(viaDocker.exitCode) !== outcome(viaRemora.exitCode)) {
        differences.push(
          `${pair}: docker ${outcome(viaDocker.exitCode)} (${viaDocker.stderr.trim()}), remora ${outcome(viaRemora.exitCode)} (${viaRemora.stderr.trim()})`,
        );
        continue;
      }
      const [a, b] = await Promise.all([targetTree(target.name, `${box}-docker`), targetTree(target.name, `${box}-remora`)]);
      if (!sameTree(a, b)) differences.push(`${pair}: trees differ\n docker ${JSON.stringify(a)}\n remora ${JSON.stringify(b)}`);
    }
    expect(differences).toEqual([]);
  });
});
