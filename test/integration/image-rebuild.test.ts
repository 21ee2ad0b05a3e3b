// Remora's own images are rebuilt when their sources change, and the image a rebuild
// replaced is removed, unless a container still uses it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuiltImage } from '../../src/session/toolkit-image.js';
import { runLabel, testEngine, runLabels } from '../support/fixtures.js';

const engine = testEngine();
const sources = mkdtempSync(join(tmpdir(), 'remora-rebuild-'));
const tag = `remora-test/rebuild:${runLabel()}`;
const made: string[] = [];

afterAll(async () => {
  await execa('docker', ['rmi', '-f', tag, ...made], { reject: false });
  rmSync(sources, { recursive: true, force: true });
  engine.dispose();
});

async function imageId(ref: string): Promise<string | undefined> {
  const result = await execa('docker', ['image', 'inspect', '-f', '{{.Id}}', ref], { reject: false });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

async function build(note: string): Promise<string> {
  writeFileSync(join(sources, 'Dockerfile'), 'ARG BASE\nFROM ${BASE}\nCOPY note /note\n');
  writeFileSync(join(sources, 'note'), note);
  await ensureBuiltImage({ engine, tag, directory: sources, say: () => undefined, what: 'test image' });
  const id = await imageId(tag);
  if (!id) throw new Error(`${tag} was not built`);
  made.push(id);
  return id;
}

describe("rebuilding one of Remora's images", () => {
  it('keeps an up-to-date image, replaces a stale one and removes what it replaced', async () => {
    const first = await build('one');
    expect(await build('one')).toBe(first);
    const second = await build('two');
    expect(second).not.toBe(first);
    expect(await imageId(first)).toBeUndefined();
  });

  it('leaves the replaced image while a container uses it', async () => {
    const inUse = await build('three');
    const container = `remora-rebuild-${runLabel()}`;
    await execa('docker', ['create', '--name', container, '--label', runLabels(), inUse, 'true']);
    try {
      await build('four');
      expect(await imageId(inUse)).toBe(inUse);
    } finally {
      await execa('docker', ['rm', '-f', container], { reject: false });
    }
  });
});
