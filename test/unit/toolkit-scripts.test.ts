// The toolkit-side programs: those Remora sends with each exec (src/toolkit-scripts/, which
// `npm run lint:sh` shellchecks) say the same paths and statuses as the TypeScript that
// reads their results, and run as scripts.ts sends them; those the toolkit image carries
// (toolkit-image/scripts/) are executable (COPY keeps the mode).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS_MAX_BYTES } from '../../src/core/proc-parsers.js';
import { FS_HELPER, HELPER_EXIT } from '../../src/ops/fs-helper.js';
import { PROCESS_GONE_STATUS, SERVER_PID_FILE, USED_STAMP, scriptExec } from '../../src/toolkit-scripts/scripts.js';
import { waitFor } from '../support/wait-for.js';

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
    expect(shellConstant('SERVER_PID_FILE')).toBe(SERVER_PID_FILE);
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

/**
 * A stand-in for strace, as it starts: it forks a child (strace's ptrace probes), then goes
 * on starting for a while (two seconds here) before it catches SIGTERM; on SIGTERM it
 * reaps that child and exits 143, as strace does.
 */
const STARTING_STRACE = `#!/bin/sh
sleep 1000 &
child=$!
echo "$child" > "$STRACE_CHILD_FILE"
sleep 2
trap 'kill "$child"; wait "$child"; exit 143' TERM
wait "$child"
`;

describe('strace.sh', () => {
  it('stops strace only once strace catches SIGTERM: a stop during its start leaves no process behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'remora-strace-sh-'));
    const childFile = join(dir, 'child');
    writeFileSync(join(dir, 'strace'), STARTING_STRACE, { mode: 0o755 });
    const { cmd, env } = scriptExec('strace', ['-p', '1']);
    const sentEnv = Object.fromEntries(env.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
    try {
      const run = execa(cmd[0]!, cmd.slice(1), {
        env: { ...sentEnv, PATH: `${dir}:${process.env.PATH}`, STRACE_CHILD_FILE: childFile },
        extendEnv: false,
        // A child left behind would hold stdout open: the result would never come.
        stdout: 'ignore',
        reject: false,
      });
      const child = await waitFor(
        () => {
          const pid = existsSync(childFile) ? readFileSync(childFile, 'utf8') : '';
          return pid.endsWith('\n') ? pid.trim() : undefined;
        },
        { intervalMs: 10, what: 'strace to start' },
      );
      // Remora stopping while strace starts (`--duration 0`): EOF on the exec's stdin.
      run.stdin?.end();
      const result = await run;
      expect(result.exitCode, result.stderr).toBe(143);
      expect(existsSync(`/proc/${child}`), `strace's child ${child} is left behind`).toBe(false);
    } finally {
      if (existsSync(childFile)) {
        try {
          process.kill(Number(readFileSync(childFile, 'utf8')), 'SIGKILL');
        } catch {
          // Gone, as it should be.
        }
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scripts the toolkit image carries', () => {
  const dir = fileURLToPath(new URL('../../toolkit-image/scripts', import.meta.url));
  const scripts = readdirSync(dir).map((name) => join(dir, name));

  it('are executable', () => {
    for (const script of scripts) expect(statSync(script).mode & 0o111).toBe(0o111);
  });
});
