// `remora attach` end to end in a real pseudo-terminal, on a shell-less target: the
// process list, the Files view, a live trace, a download, a resize, quitting with the
// terminal restored, the banner when the target dies, and the refusal without a terminal.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remora, startTarget, testEngine, toolkitsOf } from '../support/fixtures.js';
import { spawnRemora } from '../support/pty.js';
import { waitFor } from '../support/wait-for.js';

let engine: DockerEngine;
beforeAll(() => {
  engine = testEngine();
});
afterAll(() => engine?.dispose());

const SCREEN_TIMEOUT = 45_000;

describe('remora attach', () => {
  // One target for the views' tests; each test opens its own TUI (the session is reused).
  let shared: Awaited<ReturnType<typeof startTarget>>;
  beforeAll(async () => {
    shared = await startTarget(engine, 'scratch');
  });
  afterAll(async () => shared?.[Symbol.asyncDispose]());

  /** A TUI on the shared target, once it shows the target's main process. */
  async function attached(): Promise<ReturnType<typeof spawnRemora>> {
    const tui = spawnRemora(['attach', shared.name], { cols: 100, rows: 30 });
    try {
      await tui.waitForScreen(/^ +1 root +S .*\/app *$/m, SCREEN_TIMEOUT);
    } catch (error) {
      await tui[Symbol.asyncDispose]();
      throw error;
    }
    return tui;
  }

  it("shows the target's processes, not the toolkit's, and quits restoring the terminal", async () => {
    await using tui = spawnRemora(['attach', shared.name], { cols: 100, rows: 30 });
    // The header names the target; the table has the target's main process, not the toolkit's.
    await tui.waitForScreen(`remora ▸ ${shared.name}`, SCREEN_TIMEOUT);
    await tui.waitForScreen(/^ +1 root +S .*\/app *$/m, SCREEN_TIMEOUT);
    expect(tui.screen()).not.toMatch(/remora-keeper|sleep 5/);
    expect(tui.screen()).toMatch(/profile general/);

    tui.type('q');
    expect((await tui.exited).exitCode).toBe(0);
    const output = tui.output();
    // Back on the normal screen with the cursor shown: the last alternate-screen switch is the exit.
    expect(output.endsWith('\x1b[?1049l')).toBe(true);
    expect(output.lastIndexOf('\x1b[?25h')).toBeGreaterThan(output.lastIndexOf('\x1b[?1049h'));
  });

  it("browses the target's files and downloads one", async () => {
    const local = mkdtempSync(join(tmpdir(), 'remora-attach-'));
    try {
      await using tui = await attached();
      tui.type('2');
      await tui.waitForScreen(/^drwx\S+\s+root\s+-\s.*\sdata\/\s*$/m, SCREEN_TIMEOUT);
      // data/ is the first entry: go in, and download the log the target writes every second.
      tui.type('\r');
      await tui.waitForScreen(/^\/data\s*$/m);
      await tui.waitForScreen(/\sapp\.log\s*$/m);
      tui.type('d');
      await tui.waitForScreen('download /data/app.log to:');
      tui.type('\x15'); // Ctrl-U: clear the default (the current directory)
      tui.type(`${local}\r`);
      await tui.waitForScreen(/downloaded .*app\.log/, SCREEN_TIMEOUT);
      const copied = join(local, 'app.log');
      expect(existsSync(copied)).toBe(true);
      expect(readFileSync(copied, 'utf8')).toMatch(/tick \d+\n/);
    } finally {
      rmSync(local, { recursive: true, force: true });
    }
  });

  it('traces the main process from the Processes view', async () => {
    await using tui = await attached();
    tui.type('s');
    await tui.waitForScreen('● tracing', SCREEN_TIMEOUT);
    await tui.waitForScreen(/^\S+ +1 (write|clock_nanosleep|poll|openat|close)\(/m, SCREEN_TIMEOUT);
  });

  it('lays everything out again within 80 columns when the terminal shrinks', async () => {
    await using tui = await attached();
    tui.resize(80, 24);
    await tui.waitForScreen(/^ 1 Proc/m);
    await waitFor(() => tui.screen().split('\n').length === 24 && /q quit/.test(tui.screen()), {
      what: 'the 80x24 layout with the footer',
    });
    expect(
      tui
        .screen()
        .split('\n')
        .every((line) => line.length <= 80),
    ).toBe(true);
  });

  it('says so when the target dies while attached, keeps the last data, and still quits cleanly', async () => {
    const target = await startTarget(engine, 'scratch');
    try {
      await using tui = spawnRemora(['attach', target.name], { cols: 100, rows: 30 });
      await tui.waitForScreen(/^ +1 root +S .*\/app *$/m, SCREEN_TIMEOUT);
      await engine.removeContainer(target.id);
      await tui.waitForScreen(`${target.name} stopped`, SCREEN_TIMEOUT);
      // Frozen, not emptied: the last process list is still there.
      expect(tui.screen()).toMatch(/^ +1 root +S .*\/app *$/m);
      tui.type('q');
      expect((await tui.exited).exitCode).toBe(0);
    } finally {
      await target[Symbol.asyncDispose]();
    }
  });

  it('ends on SIGTERM through the same quit path: terminal restored, a --rm toolkit removed', async () => {
    await using target = await startTarget(engine, 'scratch');
    await using tui = spawnRemora(['attach', '--rm', target.name], { cols: 100, rows: 30 });
    await tui.waitForScreen(/^ +1 root +S .*\/app *$/m, SCREEN_TIMEOUT);
    expect((await toolkitsOf(engine, target.id)).filter((t) => t.labels['remora.ephemeral'] === 'true')).toHaveLength(1);
    tui.kill('SIGTERM');
    expect((await tui.exited).exitCode).toBe(143);
    expect(tui.output().endsWith('\x1b[?1049l')).toBe(true);
    await waitFor(async () => (await toolkitsOf(engine, target.id)).length === 0, { what: 'the --rm toolkit to be gone' });
  });

  it('refuses without a terminal, pointing at the plain commands', async () => {
    await using target = await startTarget(engine, 'scratch');
    const result = await remora(['attach', target.name]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      `remora: remora attach needs a terminal\nhint: for scripts use the plain commands: remora ps|proc|strace|net ${target.name}, remora cp, remora exec (remora targets lists the targets)\n`,
    );
  });
});
