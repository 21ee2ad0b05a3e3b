// The TUI's Network view against a real target in a real pseudo-terminal: `f` forwards a
// local port to the selected listening socket (one bound to the target's loopback only),
// `c` captures to a pcap file the user names, with the count in the tab bar.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { testEngine } from '../support/fixtures.js';
import { exchange, expectedPattern, startForwardServer } from '../support/forward-server.js';
import { parsePcap } from '../support/pcap.js';
import { spawnRemora } from '../support/pty.js';
import { waitFor } from '../support/wait-for.js';

let engine: DockerEngine;
beforeAll(() => {
  engine = testEngine();
});
afterAll(() => engine?.dispose());

const SCREEN_TIMEOUT = 45_000;

describe('remora attach: Network view', () => {
  it('forwards the selected listening port with f and captures to a file with c', async () => {
    await using target = await startForwardServer(engine);
    const local = mkdtempSync(join(tmpdir(), 'remora-attach-net-'));
    try {
      await using tui = spawnRemora(['attach', target.name], { cols: 120, rows: 30 });
      await tui.waitForScreen(`remora ▸ ${target.name}`, SCREEN_TIMEOUT);
      tui.type('4');
      await tui.waitForScreen(/^tcp\s+LISTEN\s+127\.0\.0\.1:7000\s/m, SCREEN_TIMEOUT);
      tui.type('f');
      await tui.waitForScreen(/⇄ 127\.0\.0\.1:\d+→7000/, SCREEN_TIMEOUT);
      const port = Number(/⇄ 127\.0\.0\.1:(\d+)→7000/.exec(tui.screen())![1]);
      const reply = await exchange(port, 'SIZE 1000\n');
      expect(reply.data.equals(expectedPattern(1000))).toBe(true);

      const file = join(local, 'net.pcap');
      tui.type('c');
      await tui.waitForScreen('capture to file');
      tui.type('\x15'); // Ctrl-U: clear the default name
      tui.type(`${file}\r`);
      await tui.waitForScreen('● capture 0', SCREEN_TIMEOUT);
      // Traffic through the forward shows up in the capture's count.
      const count = await waitFor(
        async () => {
          await exchange(port, 'SIZE 10\n');
          const match = /● capture (\d+)/.exec(tui.screen());
          return match && Number(match[1]) > 0 ? Number(match[1]) : undefined;
        },
        { what: 'a packet count above 0 in the tab bar' },
      );
      tui.type('c');
      await tui.waitForScreen(/\d+ packets? captured to /, SCREEN_TIMEOUT);
      const pcap = parsePcap(readFileSync(file));
      expect(pcap.packets.length).toBeGreaterThanOrEqual(count);

      tui.type('f');
      await tui.waitForScreen('stopped forwarding', SCREEN_TIMEOUT);
      expect(tui.screen()).not.toContain('⇄');
      expect((await exchange(port, 'SIZE 10\n')).ending).toBe('ECONNREFUSED');
      tui.type('q');
    } finally {
      rmSync(local, { recursive: true, force: true });
    }
  });
});
