// The toolkit-side programs: those Remora sends with each exec (src/toolkit-scripts/, which
// `npm run lint:sh` shellchecks) say the same paths and statuses as the TypeScript that
// reads their results, and run as scripts.ts sends them; those the toolkit image carries
// (toolkit-image/scripts/) are executable (COPY keeps the mode).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS_MAX_BYTES } from '../../src/core/proc-parsers.js';
import { FS_HELPER, HELPER_EXIT } from '../../src/ops/fs-helper.js';
import { PROCESS_GONE_STATUS, USED_STAMP, scriptExec } from '../../src/toolkit-scripts/scripts.js';

const common = readFileSync(new URL('../../src/toolkit-scripts/common.sh', import.meta.url), 'utf8');

/** NAME=VALUE at the start of a line of common.sh. */
function shellConstant(name: string): string | undefined {
  return new RegExp(`^${name}=(\\S+)$`, 'm').exec(common)?.[1];
}

/** Runs a script with the local sh, as the toolkit would (environment and arguments as sent). */
async function runLocally(name: Parameters<typeof scriptExec>[0], args: Array<string | number>, env: Record<string, string> = {}) {
  const { cmd, env: sent } = scriptExec(name, args);
  const sentEnv = Object.fromEntries(sent.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
  return execa(cmd[0]!, cmd.slice(1), { env: { ...sentEnv, ...env }, extendEnv: false, reject: false });
}

describe('scripts sent to the toolkit', () => {
  it('name the paths and statuses the TypeScript side uses', () => {
    expect(shellConstant('REMORA_FS')).toBe(FS_HELPER);
    expect(shellConstant('REMORA_FS_NO_OPENAT2')).toBe(String(HELPER_EXIT.NO_OPENAT2));
    expect(shellConstant('USED_STAMP')).toBe(USED_STAMP);
    expect(shellConstant('ACCOUNTS_MAX_BYTES')).toBe(String(ACCOUNTS_MAX_BYTES));
    expect(shellConstant('PROCESS_GONE_STATUS')).toBe(String(PROCESS_GONE_STATUS));
  });

  it('take their arguments as positional parameters, never as script text', async () => {
    // A pid no process can have (above pid_max), then shell that would read pid 1 if it ran.
    for (const pid of ['99999999', '1; echo ran', '$(echo 1)']) {
      const result = await runLocally('proc', [pid, '/nonexistent']);
      expect({ pid, exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr }).toEqual({
        pid,
        exitCode: PROCESS_GONE_STATUS,
        stdout: '',
        stderr: '',
      });
    }
  });

  it('run after common.sh, whose functions they call', async () => {
    const result = await runLocally('target-pid', [], { REMORA_TARGET_PID: '42' });
    expect({ exitCode: result.exitCode, stdout: result.stdout }).toEqual({ exitCode: 0, stdout: '42' });
  });
});

describe('scripts the toolkit image carries', () => {
  const dir = fileURLToPath(new URL('../../toolkit-image/scripts', import.meta.url));
  const scripts = readdirSync(dir).map((name) => join(dir, name));

  it('are executable', () => {
    for (const script of scripts) expect(statSync(script).mode & 0o111).toBe(0o111);
  });
});
