// `remora doctor` on a healthy engine: every check passes, and it cleans up after itself.
import { describe, expect, it } from 'vitest';
import { remora, testEngine } from '../support/fixtures.js';

describe('remora doctor', () => {
  it('checks the engine, the image and every profile, and leaves nothing behind', async () => {
    const engine = testEngine();
    try {
      const result = await remora(['doctor']);
      expect(result.exitCode).toBe(0);
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^ok +engine: unix:\/\/\/var\/run\/docker\.sock \(from .+\), [\d.]+\S*, API 1\.\d+/);
      expect(lines[1]).toBe('ok    toolkit image: remora-toolkit:0.1.0');
      for (const profile of ['general', 'restricted', 'netadmin', 'sysadmin']) {
        expect(lines.find((l) => l.includes(`profile ${profile}:`))).toMatch(/^ok /);
      }
      expect(lines.find((l) => l.includes('profile general:'))).toContain('target root ok; ptrace ok');
      const leftovers = await engine.listContainers({ all: true, labels: ['remora.demo=doctor'] });
      expect(leftovers).toEqual([]);
    } finally {
      engine.dispose();
    }
  });
});
