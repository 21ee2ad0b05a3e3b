// `remora doctor` on a healthy engine: every check passes, and it cleans up after itself.
import { describe, expect, it } from 'vitest';
import { remora, testEngine, runLabels } from '../support/fixtures.js';
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
      expect(lines[0]).toMatch(
        /^ok +engine: Docker [\d.]+\S* \(rootful\), API 1\.\d+, linux\/\w+, at unix:\/\/\/var\/run\/docker\.sock \(from .+\)$/,
      );
      expect(lines[1]).toBe(`ok    toolkit image: ${TEST_IMAGES.toolkit}`);
      for (const profile of ['general', 'restricted', 'netadmin', 'capture']) {
        expect(lines.find((l) => l.includes(`profile ${profile}:`))).toMatch(/^ok /);
      }
      expect(lines.find((l) => l.includes('profile general:'))).toContain('target root ok; ptrace ok');
      expect(lines.find((l) => l.includes('profile general:'))).toContain('; limits 512MiB/1024 pids');
      expect(lines.find((l) => l.includes('profile restricted:'))).toContain('target root denied; ptrace denied');
      expect(lines.find((l) => l.includes('profile capture:'))).toBe(
        'ok    profile capture: session starts; packet capture ok (no target root, no tracing: as expected)',
      );
      const sysadmin = lines.findIndex((l) => l.includes('profile sysadmin:'));
      if (lines[sysadmin]?.startsWith('FAIL')) {
        expect(lines[sysadmin]).toContain('the engine cannot grant the capabilities this profile asks for');
        expect(lines[sysadmin + 1]).toBe(
          '      fix: use a smaller profile (--profile general or netadmin); remora doctor shows which profiles work here',
        );
      }
      const leftovers = await engine.listContainers({ all: true, labels: ['remora.demo=doctor', runLabels()] });
      expect(leftovers).toEqual([]);
    } finally {
      engine.dispose();
    }
  });

  it('prints the same checks as JSON with --json, whatever the exit code', async () => {
    const result = await remora(['doctor', '--json']);
    const report = JSON.parse(result.stdout) as { ok: boolean; checks: { name: string; ok: boolean; detail: string; remedy?: string }[] };
    expect(report.checks.map((c) => c.name)).toEqual([
      'engine',
      'toolkit image',
      'profile general',
      'profile restricted',
      'profile netadmin',
      'profile capture',
      'profile sysadmin',
    ]);
    expect(report.ok).toBe(report.checks.every((c) => c.ok));
    expect(result.exitCode).toBe(report.ok ? 0 : 1);
    expect(report.checks[1]).toEqual({ name: 'toolkit image', ok: true, detail: TEST_IMAGES.toolkit });

    const unreachable = await remora(['doctor', '--json'], { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(unreachable.exitCode).toBe(4);
    expect(JSON.parse(unreachable.stdout)).toEqual({
      ok: false,
      checks: [
        {
          name: 'engine',
          ok: false,
          detail: 'cannot reach the container engine at unix:///nonexistent/docker.sock (no such socket; from DOCKER_HOST)',
          remedy: 'start the engine or point --host/DOCKER_HOST/--context at it',
        },
      ],
    });
  });
});
