// The scripts the toolkit image carries (toolkit-image/scripts/) are programs: shellcheck
// holds them to POSIX sh, and they must be executable (COPY keeps the mode). .ci/run
// installs shellcheck.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../toolkit-image/scripts', import.meta.url));
const scripts = readdirSync(dir).map((name) => join(dir, name));

describe('toolkit scripts', () => {
  it('pass shellcheck as POSIX sh', async () => {
    const result = await execa('shellcheck', ['--shell=sh', ...scripts], { reject: false });
    expect(result.stdout).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it('are executable', () => {
    for (const script of scripts) expect(statSync(script).mode & 0o111).toBe(0o111);
  });
});
