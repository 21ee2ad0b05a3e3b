// A target built to attack the operator's terminal: escape sequences in its argv, in a
// process name, in its /etc/passwd user (which is also its USER) and in file names, plus
// names that are not UTF-8. Every printer must show them as text; none may reach the
// terminal raw, and cp must keep such names byte-exact.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { REMORA_BIN, remora, testEngine, runLabels } from '../support/fixtures.js';
import { waitFor } from '../support/wait-for.js';

const IMAGE = 'remora-test/hostile:latest';
/** Sets the terminal's title and clears the screen when printed raw. */
const RETITLE = '\x1b]0;pwned\x07\x1b[2J';
const RETITLE_SHOWN = '\\x1b]0;pwned\\x07\\x1b[2J';
/** A process name (comm: at most 15 bytes) that retitles; busybox runs as it, by its prefix. */
const HOSTILE_COMM = 'busybox\x1b]0;n\x07';
const ARGV_TAIL = '\x1b]0;argv\x07';

let engine: DockerEngine;
let name: string;
let id: string;
let scratch: string;

/** The target's root as a tar made by the system tar, so names stay bytes. */
async function buildHostileImage(): Promise<void> {
  const root = join(scratch, 'root');
  for (const dir of ['bin', 'etc', 'data', 'tmp']) mkdirSync(join(root, dir), { recursive: true });
  copyFileSync('/bin/busybox', join(root, 'bin/busybox'));
  symlinkSync('busybox', join(root, 'bin', HOSTILE_COMM));
  writeFileSync(join(root, 'etc/passwd'), `${RETITLE}:x:0:0::/:/bin/busybox\n`);
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\n');
  const data = Buffer.from(join(root, 'data/'));
  writeFileSync(Buffer.concat([data, Buffer.from('caf\xe9.txt', 'latin1')]), 'e9\n');
  writeFileSync(Buffer.concat([data, Buffer.from('caf\xe8.txt', 'latin1')]), 'e8\n');
  writeFileSync(join(root, 'data', `title${RETITLE}`), 'x\n');
  await execa('mkfifo', [join(root, 'data', `fifo${RETITLE}`)]);
  const tar = execa('tar', ['-C', root, '--numeric-owner', '-c', '.'], { encoding: 'buffer' });
  await execa('docker', ['import', '-', IMAGE], { input: (await tar).stdout });
}

beforeAll(async () => {
  engine = testEngine();
  scratch = mkdtempSync(join(tmpdir(), 'remora-hostile-'));
  await buildHostileImage();
  name = `remora-t-hostile-${randomBytes(3).toString('hex')}`;
  // PID 1 keeps the hostile argv; a listener runs under the hostile process name.
  const script = `"/bin/${HOSTILE_COMM}" httpd -f -p 8080 & while :; do /bin/busybox sleep 3600; done`;
  const run = await execa('docker', [
    'run',
    '-d',
    '--name',
    name,
    '--label',
    runLabels(),
    '--user',
    RETITLE,
    IMAGE,
    '/bin/busybox',
    'sh',
    '-c',
    script,
    ARGV_TAIL,
  ]);
  id = run.stdout.trim();
});

afterAll(async () => {
  if (id) {
    const toolkits = await engine.listContainers({ all: true, labels: [`remora.target=${id}`] });
    await Promise.all([engine.removeContainer(id), ...toolkits.map((t) => engine.removeContainer(t.id))]);
  }
  engine?.dispose();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** No ESC, BEL or other control byte but newline may reach the terminal. */
function expectNoControls(text: string): void {
  expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
}

describe('a hostile target', () => {
  it('ps shows its user and argv escaped', async () => {
    const result = await remora(['ps', name]);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expectNoControls(result.stdout);
    const main = result.stdout.split('\n').find((line) => /^1\s/.test(line));
    expect(main).toContain(RETITLE_SHOWN);
    expect(main).toMatch(/ \\x1b\]0;argv\\x07$/);
  });

  it('ps --json keeps the exact text, as JSON escapes', async () => {
    const result = await remora(['ps', name, '--json']);
    expectNoControls(result.stdout);
    const rows = JSON.parse(result.stdout) as Array<{ pid: number; user: string; command: string }>;
    const main = rows.find((r) => r.pid === 1);
    expect(main?.user).toBe(RETITLE);
    expect(main?.command.endsWith(ARGV_TAIL)).toBe(true);
  });

  it('proc shows its user and command escaped', async () => {
    const result = await remora(['proc', name, '1']);
    expect(result.exitCode).toBe(0);
    expectNoControls(result.stdout);
    expect(result.stdout).toContain(`user          0 (${RETITLE_SHOWN})`);
    expect(result.stdout).toContain("'\\x1b]0;argv\\x07'");
  });

  it('net shows the process name escaped', async () => {
    const stdout = await waitFor(
      async () => {
        const result = await remora(['net', name]);
        return result.stdout.includes(':8080') ? result.stdout : undefined;
      },
      { what: 'the listener on 8080' },
    );
    expectNoControls(stdout);
    expect(stdout).toMatch(/:8080 .* busybox\\x1b\]0;n\\x07$/m);
  });

  it('targets shows its USER escaped', async () => {
    const result = await remora(['targets']);
    expectNoControls(result.stdout);
    const row = result.stdout.split('\n').find((line) => line.includes(name));
    expect(row).toContain(RETITLE_SHOWN);
  });

  it("cp's warning about a skipped fifo names it escaped", async () => {
    const out = join(scratch, 'out-warn');
    const result = await remora(['cp', `${name}:/data`, out]);
    expect(result.exitCode).toBe(0);
    expectNoControls(result.stderr);
    expect(result.stderr).toBe(`remora: warning: ${name}:/data/fifo${RETITLE_SHOWN}: a fifo, skipped\n`);
  });

  it('cp of a device or a fifo alone says nothing was copied, exit 1 (and never reads /dev/zero forever)', async () => {
    const zero = await remora(['cp', `${name}:/dev/zero`, join(scratch, 'zero')]);
    expect(zero.exitCode).toBe(1);
    expect(zero.stderr.split('\n')[0]).toBe(`remora: nothing was copied: ${name}:/dev/zero is a device`);
    const fifo = await remora(['cp', `${name}:/data/fifo${RETITLE}`, join(scratch, 'fifo')]);
    expect(fifo.exitCode).toBe(1);
    expectNoControls(fifo.stderr);
    expect(fifo.stderr.split('\n')[0]).toBe(`remora: nothing was copied: ${name}:/data/fifo${RETITLE_SHOWN} is a fifo`);
    expect(readdirSync(scratch)).not.toContain('zero');
    expect(readdirSync(scratch)).not.toContain('fifo');
  });

  it('an error quoting a target path escapes it', async () => {
    const result = await remora(['cp', `${name}:/data/missing${RETITLE}`, join(scratch, 'nothing')]);
    expect(result.exitCode).toBe(1);
    expectNoControls(result.stderr);
    expect(result.stderr).toContain(`missing${RETITLE_SHOWN}`);
  });

  it('cp keeps names that are not UTF-8 byte-exact, out of the target', async () => {
    const out = join(scratch, 'out-bytes');
    const result = await remora(['cp', `${name}:/data`, out]);
    expect(result.exitCode).toBe(0);
    const names = readdirSync(out, { encoding: 'buffer' })
      .map((n) => n.toString('latin1'))
      .sort();
    expect(names).toEqual(['caf\xe8.txt', 'caf\xe9.txt', `title${RETITLE}`]);
    expect(readFileSync(Buffer.from(join(out, 'caf\xe9.txt'), 'latin1'), 'utf8')).toBe('e9\n');
    expect(readFileSync(Buffer.from(join(out, 'caf\xe8.txt'), 'latin1'), 'utf8')).toBe('e8\n');
  });

  it('cp keeps names that are not UTF-8 byte-exact, into the target, from a directory and from a tar', async () => {
    const local = join(scratch, 'in-bytes');
    const dir = Buffer.from(`${local}/`, 'latin1');
    mkdirSync(local);
    writeFileSync(Buffer.concat([dir, Buffer.from('x\xe9y', 'latin1')]), 'one\n');
    writeFileSync(Buffer.concat([dir, Buffer.from('x\xe8y', 'latin1')]), 'two\n');
    symlinkSync(Buffer.from('x\xe9y', 'latin1'), Buffer.concat([dir, Buffer.from('l\xff', 'latin1')]));
    expect((await remora(['cp', local, `${name}:/tmp/`])).exitCode).toBe(0);
    expect((await remora(['exec', name, '--', 'mkdir', '/target/tmp/from-tar'])).exitCode).toBe(0);
    const tar = await execa('tar', ['-C', local, '-c', '.'], { encoding: 'buffer' });
    expect((await remora(['cp', '-', `${name}:/tmp/from-tar`], { input: tar.stdout })).exitCode).toBe(0);

    // Read back through a second copy-out, compared as bytes.
    for (const [from, check] of [
      ['/tmp/in-bytes', 'check-dir'],
      ['/tmp/from-tar', 'check-tar'],
    ] as const) {
      const back = join(scratch, check);
      expect((await remora(['cp', `${name}:${from}`, back])).exitCode).toBe(0);
      const at = (bytes: string) => Buffer.concat([Buffer.from(`${back}/`), Buffer.from(bytes, 'latin1')]);
      expect(
        readdirSync(back, { encoding: 'buffer' })
          .map((n) => n.toString('latin1'))
          .sort(),
      ).toEqual(['l\xff', 'x\xe8y', 'x\xe9y']);
      expect(readFileSync(at('x\xe9y'), 'utf8')).toBe('one\n');
      expect(readFileSync(at('x\xe8y'), 'utf8')).toBe('two\n');
      expect(readlinkSync(at('l\xff'), { encoding: 'buffer' }).toString('latin1')).toBe('x\xe9y');
    }
  });

  it('cp to a tar stream keeps names that are not UTF-8 (read back by GNU tar, and by cp -)', async () => {
    const tar = await execa(REMORA_BIN, ['cp', `${name}:/data`, '-'], {
      encoding: 'buffer',
      env: { REMORA_LABELS: runLabels() },
      reject: false,
    });
    expect(tar.exitCode).toBe(0);
    const listed = await execa('tar', ['-t', '--quoting-style=literal'], { input: tar.stdout, encoding: 'buffer' });
    const names = Buffer.from(listed.stdout).toString('latin1').split('\n').filter(Boolean).sort();
    expect(names).toEqual(['data/', 'data/caf\xe8.txt', 'data/caf\xe9.txt', `data/title${RETITLE}`]);
    expect((await remora(['exec', name, '--', 'mkdir', '/target/tmp/tar-back'])).exitCode).toBe(0);
    expect((await remora(['cp', '-', `${name}:/tmp/tar-back`], { input: tar.stdout })).exitCode).toBe(0);
    const back = join(scratch, 'tar-back');
    expect((await remora(['cp', `${name}:/tmp/tar-back/data`, back])).exitCode).toBe(0);
    expect(
      readdirSync(back, { encoding: 'buffer' })
        .map((n) => n.toString('latin1'))
        .sort(),
    ).toEqual(['caf\xe8.txt', 'caf\xe9.txt', `title${RETITLE}`]);
  });

  it('ps in a terminal (tmux) leaves the pane title alone', async () => {
    const socket = `remora-test-${randomBytes(3).toString('hex')}`;
    const tmux = (...args: string[]) => execa('tmux', ['-L', socket, '-f', '/dev/null', ...args]);
    const privateToolkit = process.env.REMORA_TOOLKIT_IMAGE ? `REMORA_TOOLKIT_IMAGE=${process.env.REMORA_TOOLKIT_IMAGE} ` : '';
    const command = `env REMORA_LABELS=${runLabels()} ${privateToolkit}${REMORA_BIN} ps ${name}`;
    try {
      await tmux('new-session', '-d', '-x', '200', '-y', '40', 'cat');
      await tmux('set-option', '-g', 'remain-on-exit', 'on');
      const before = (await tmux('display', '-p', '#{pane_title}')).stdout;
      await tmux('respawn-pane', '-k', command);
      await waitFor(async () => (await tmux('display', '-p', '#{pane_dead}')).stdout.trim() === '1', { what: 'remora ps to end in tmux' });
      const screen = (await tmux('capture-pane', '-p', '-J')).stdout;
      expect(screen).toContain(RETITLE_SHOWN);
      expect((await tmux('display', '-p', '#{pane_title}')).stdout).toBe(before);
    } finally {
      await tmux('kill-server').catch(() => undefined);
    }
  });
});
