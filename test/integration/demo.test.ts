// `remora demo`, the README's quick start, as a newcomer runs it in a terminal: the demo
// target comes up in the TUI, and quitting removes it, its sessions and their control
// directories.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { testEngine } from '../support/fixtures.js';
import { spawnRemora } from '../support/pty.js';
import { waitFor } from '../support/wait-for.js';

const DEMO = 'remora-demo';
let engine: DockerEngine;

beforeAll(() => {
  engine = testEngine();
});
afterAll(() => engine?.dispose());

describe('remora demo', () => {
  it('shows the demo in the TUI, and quitting leaves nothing behind', async (context) => {
    // A demo of the user's own is theirs: this test would reuse it and leave it.
    if ((await engine.listContainers({ all: true })).some((c) => c.name === DEMO)) context.skip();
    await using tui = spawnRemora(['demo'], { cols: 120, rows: 36 });
    await tui.waitForScreen(`remora ▸ ${DEMO}`, 180_000);
    await tui.waitForScreen(/^ +1 root +S .*\/app *$/m, 60_000);
    const demoId = (await engine.inspectContainer(DEMO)).id;
    const toolkits = await waitFor(
      async () => {
        const found = await engine.listContainers({ all: true, labels: [`${LABEL.target}=${demoId}`] });
        return found.length > 0 ? found : undefined;
      },
      { what: "the demo's session" },
    );
    const dirs = toolkits.map((t) => t.labels[LABEL.controlDir]).filter((dir) => dir !== undefined);
    tui.type('q');
    expect((await tui.exited).exitCode).toBe(0);
    expect(tui.output()).toContain(`removed ${DEMO}`);
    const left = await engine.listContainers({ all: true });
    expect(left.filter((c) => c.name === DEMO || c.labels[LABEL.target] === demoId)).toEqual([]);
    for (const dir of dirs) expect(existsSync(dir)).toBe(false);
    // The first run on an engine builds the demo image (from the test targets' cache here).
  }, 300_000);
});
