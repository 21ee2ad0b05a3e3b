// `remora shell` in a real pseudo-terminal: the prompt, the working directory, resizes,
// Ctrl-C reaching the remote side, and --chroot on targets that have no shell and no libc.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remora, startTarget, testEngine } from '../support/fixtures.js';
import { spawnRemora } from '../support/pty.js';
import { waitFor } from '../support/wait-for.js';

let engine: DockerEngine;
beforeAll(() => {
  engine = testEngine();
});
afterAll(() => engine?.dispose());

describe('remora shell', () => {
  it("opens a shell at the target's root with a prompt naming the target, follows resizes, exits cleanly", async () => {
    await using target = await startTarget(engine, 'scratch');
    await using shell = spawnRemora(['shell', target.name], { cols: 100, rows: 30 });
    await shell.waitForScreen(`[remora ${target.name}]`);
    shell.type('pwd; ls /target/app\r');
    await shell.waitForScreen(/^\/target$/m);
    await shell.waitForScreen(/^\/target\/app$/m);
    shell.resize(120, 40);
    // The new size travels SIGWINCH -> remora -> engine -> remote TTY: ask until it shows.
    await waitFor(
      async () => {
        shell.type('clear; stty size\r');
        return shell.waitForScreen(/^40 120$/m, 1000).then(
          () => true,
          () => false,
        );
      },
      { timeoutMs: 20_000, what: 'the remote terminal to take the new size' },
    );
    // Ctrl-C goes to the remote side: it interrupts the remote sleep, not remora.
    shell.type('sleep 100\r');
    await waitFor(async () => (await remora(['exec', target.name, '--', 'pgrep', '-x', 'sleep'])).exitCode === 0, {
      what: 'the remote sleep to start',
    });
    shell.type('\x03');
    shell.type('echo "sleep ended: $?"\r');
    await shell.waitForScreen(/^sleep ended: 130$/m);
    shell.type('exit\r');
    expect((await shell.exited).exitCode).toBe(0);
  });

  it('refuses without a terminal, pointing at exec', async () => {
    await using target = await startTarget(engine, 'scratch');
    const result = await remora(['shell', target.name]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('remora: remora shell needs a terminal\nhint: for scripts use: remora exec <target> -- sh -c "..."\n');
  });

  it("--chroot gives / = the target's filesystem on a read-only scratch target with no libc, toolkit tools still usable", async () => {
    await using target = await startTarget(engine, 'scratch', { readOnly: true, tmpfs: { '/data': 'rw,size=8m' } });
    await using shell = spawnRemora(['shell', '--chroot', target.name]);
    await shell.waitForScreen(`[remora ${target.name} (chroot)]`);
    shell.type('ls /; echo "libc: $(ls /lib* 2>&1 | head -n 1)"\r');
    await shell.waitForScreen(/^app\s+data\s+dev/m);
    await shell.waitForScreen(/libc: ls: \/lib\*: No such file or directory/);
    // A dynamically linked toolkit tool, run with the toolkit's own loader and libraries.
    shell.type('strace -V | head -n 1\r');
    await shell.waitForScreen(/strace -- version/);
    shell.type('exit\r');
    expect((await shell.exited).exitCode).toBe(0);
    // Nothing was planted in the target.
    const listing = await remora(['exec', target.name, '--', 'ls', '-a', '/target/']);
    expect(listing.stdout.split('\n').filter((name) => name.startsWith('.remora') || name === 'toolkit')).toEqual([]);
  });
});
