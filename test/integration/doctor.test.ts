// `remora doctor` on a healthy engine: every check passes, and it cleans up after itself.
import { describe, expect, it } from 'vitest';
import { remora, runLabel, testEngine } from '../support/fixtures.js';
import { TEST_IMAGES } from '../support/images.js';

describe('remora doctor', () => {
  it('checks the engine, the image and every profile, and leaves nothing behind', async () => {
    const engine = testEngine();
    try {
      const result = await remora(['doctor']);
      const lines = result.stdout.trimEnd().split('\n');
      // Exit 0 only when every line is ok (on hosts that cannot run privileged containers,
      // the sysadmin line fails with an explanation).
      expect(result.exitCode).toBe(lines.every((l) => !l.startsWith('FAIL')) ? 0 : 1);
      expect(lines[0]).toMatch(/^ok +engine: unix:\/\/\/var\/run\/docker\.sock \(from .+\), [\d.]+\S*, API 1\.\d+/);
      expect(lines[1]).toBe(`ok    toolkit image: ${TEST_IMAGES.toolkit}`);
      for (const profile of ['general', 'restricted', 'netadmin']) {
        expect(lines.find((l) => l.includes(`profile ${profile}:`))).toMatch(/^ok /);
      }
      expect(lines.find((l) => l.includes('profile general:'))).toContain('target root ok; ptrace ok');
      expect(lines.find((l) => l.includes('profile general:'))).toContain('; limits 512MiB/1024 pids');
      expect(lines.find((l) => l.includes('profile restricted:'))).toContain('target root denied; ptrace denied');
      const sysadmin = lines.findIndex((l) => l.includes('profile sysadmin:'));
      if (lines[sysadmin]?.startsWith('FAIL')) {
        expect(lines[sysadmin]).toContain('the engine cannot grant the capabilities this profile asks for');
        expect(lines[sysadmin + 1]).toBe('      fix: use a smaller profile (--profile general or netadmin); remora doctor shows which profiles work here');
      }
      const leftovers = await engine.listContainers({ all: true, labels: ['remora.demo=doctor', `remora.test=${runLabel()}`] });
      expect(leftovers).toEqual([]);
    } finally {
      engine.dispose();
    }
  });
});
