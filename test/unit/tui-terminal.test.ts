// The blessed layer in-process: a real blessed screen over PassThrough streams, its output
// fed to a headless xterm, keys typed into its input. Asserts on what the screen shows,
// that nothing reaches stderr (terminfo dumps included), resizes, NO_COLOR, the suspend.
import { PassThrough } from 'node:stream';
import xtermHeadless from '@xterm/headless';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AttachController } from '../../src/tui/attach-controller.js';
import { keyName, Terminal } from '../../src/tui/terminal.js';
import { createTheme } from '../../src/tui/theme.js';
import { FAKE_SUMMARY, FakeDataSource } from '../support/fake-data-source.js';
import { waitFor } from '../support/wait-for.js';

const { Terminal: XTerm } = xtermHeadless;

interface Rig {
  terminal: Terminal;
  /** The headless screen, for the attributes of what it shows. */
  xterm: InstanceType<typeof XTerm>;
  controller: AttachController;
  data: FakeDataSource;
  input: PassThrough;
  output: PassThrough & { columns: number; rows: number; isTTY: boolean };
  raw: () => string;
  screen: () => string;
  waitScreen: (pattern: RegExp | string) => Promise<void>;
  stderr: string[];
  quits: string[];
  resize: (cols: number, rows: number) => void;
}

let rig: Rig | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  rig?.terminal.close();
  await rig?.controller.dispose();
  rig = undefined;
});

function setUp(options: { cols?: number; rows?: number; terminal?: string; env?: NodeJS.ProcessEnv; data?: FakeDataSource } = {}): Rig {
  const cols = options.cols ?? 100;
  const rows = options.rows ?? 30;
  const xterm = new XTerm({ cols, rows, allowProposedApi: true });
  const input = new PassThrough();
  const output = Object.assign(new PassThrough(), { columns: cols, rows, isTTY: true });
  let raw = '';
  output.on('data', (chunk: Buffer) => {
    raw += chunk.toString('utf8');
    xterm.write(chunk);
  });
  const stderr: string[] = [];
  const quits: string[] = [];
  const sink = { write: (text: string) => stderr.push(text) } as unknown as NodeJS.WriteStream;
  const terminal = new Terminal({
    input,
    output,
    terminal: options.terminal ?? 'xterm-256color',
    stderr: sink,
    onQuitSignal: (reason) => quits.push(reason),
  });
  const data = options.data ?? new FakeDataSource();
  const controller = new AttachController({
    data,
    summary: FAKE_SUMMARY,
    theme: createTheme(options.env ?? {}),
    cwd: '/home/ops',
    requestRender: () => terminal.requestRender(),
    quit: () => quits.push('user'),
    openShell: () =>
      terminal.suspend(async () => {
        output.write('$ a shell was here\r\n');
      }),
    saveFile: async () => undefined,
    tickMs: 0,
  });
  terminal.show(controller);
  controller.start();
  const screen = (): string => {
    const buffer = xterm.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < xterm.rows; i++) lines.push(buffer.getLine(buffer.viewportY + i)?.translateToString(true) ?? '');
    return lines.join('\n');
  };
  const flushed = (): Promise<void> => new Promise((resolve) => xterm.write('', resolve));
  rig = {
    terminal,
    xterm,
    controller,
    data,
    input,
    output,
    raw: () => raw,
    screen,
    stderr,
    quits,
    waitScreen: async (pattern) => {
      await waitFor(async () => (await flushed(), typeof pattern === 'string' ? screen().includes(pattern) : pattern.test(screen())), {
        timeoutMs: 5000,
        what: String(pattern),
      }).catch((error: Error) => {
        throw new Error(`${error.message}\n${screen()}`);
      });
    },
    resize: (c, r) => {
      output.columns = c;
      output.rows = r;
      xterm.resize(c, r);
      output.emit('resize');
    },
  };
  return rig;
}

describe('blessed terminal', () => {
  it('names keys as the key map does', () => {
    expect(keyName('q', { full: 'q', name: 'q' })).toBe('q');
    expect(keyName('A', { full: 'S-a', name: 'a', shift: true } as never)).toBe('A');
    expect(keyName('?', { full: '?' })).toBe('?');
    expect(keyName(' ', { full: 'space', name: 'space' })).toBe('space');
    expect(keyName('\r', { full: 'return', name: 'return' })).toBeUndefined();
    expect(keyName(undefined, { full: 'enter', name: 'enter' })).toBe('enter');
    expect(keyName('\x03', { full: 'C-c', name: 'c', ctrl: true })).toBe('C-c');
    expect(keyName(undefined, { full: 'S-tab', name: 'tab', shift: true } as never)).toBe('S-tab');
    expect(keyName('é', { full: 'é' })).toBe('é');
  });

  it('draws the TUI and answers typed keys', async () => {
    const { input, screen, waitScreen } = setUp();
    await waitScreen(/^\s+7 nonroot\s+S\s+12\.5\s+20\.0M\s+1\s+2m05s \/app worker/m);
    expect(screen()).toMatch(/^remora ▸ shop-api {2}running/);
    input.write('2');
    await waitScreen(/data\/\s*$/m);
    input.write('\r');
    await waitScreen(/^\/data\s*$/m);
    // Rows with accented and wide names keep their columns.
    const rows = screen()
      .split('\n')
      .filter((l) => /^-rw-r--r-- root/.test(l));
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => r.indexOf('Nov 23')))).toEqual(new Set([rows[0]!.indexOf('Nov 23')]));
    expect(screen()).toMatch(/Nov 23 09:00 日本語\.txt\s*$/m);
  });

  it("Files: marks changes, lists deleted entries dimmed, and D shows a file's diff against the image", async () => {
    const data = new FakeDataSource();
    data.changes = new Map([
      ['/etc', 'C'],
      ['/etc/passwd', 'C'],
      ['/etc/group', 'D'],
      ['/etc/ssl', 'D'],
      ['/etc/ssl/cert.pem', 'D'],
    ]);
    data.diffs = {
      '/etc/passwd': {
        kind: 'text',
        diff: '--- shop-api:1.4.2:/etc/passwd\n+++ shop-api:/etc/passwd\n@@ -1 +1,2 @@\n root:x:0:0::/:/sbin/nologin\n+intruder:x:1000:1000::/:/bin/false\n',
      },
      '/etc/group': { kind: 'deleted', diff: '--- a\n+++ /dev/null\n' },
    };
    const { input, screen, waitScreen, xterm } = setUp({ data });
    input.write('2');
    await waitScreen(/^d\S+ +root +- +Nov 23 09:00 C etc\/\s*$/m);
    input.write('\x1b[B\r'); // down to etc/, Enter
    await waitScreen(/^\/etc\s*$/m);
    // What the container deleted is listed after what it has, dimmed, with its mark; a child of a deleted directory is not.
    const rows = screen().split('\n');
    const passwd = rows.findIndex((l) => /C passwd\s*$/.test(l));
    const group = rows.findIndex((l) => /D group\s*$/.test(l));
    expect(rows[passwd]).toMatch(/^-rw-r--r-- root +1\.2K Nov 23 09:00 C passwd\s*$/);
    expect(rows.slice(passwd + 1, passwd + 3).map((l) => l.trimEnd())).toEqual([
      expect.stringMatching(/^- +D group$/),
      expect.stringMatching(/^- +D ssl$/),
    ]);
    expect(screen()).not.toContain('cert.pem');
    const cellOf = (row: number, text: string) => xterm.buffer.active.getLine(row)!.getCell(rows[row]!.indexOf(text))!;
    expect(cellOf(group, 'group').getFgColor()).not.toBe(cellOf(passwd, 'passwd').getFgColor());
    expect(cellOf(group, 'group').getFgColor()).toBe(cellOf(group + 1, 'ssl').getFgColor());
    // D on a changed file: the unified diff in the pager.
    input.write('D');
    await waitScreen('+intruder:x:1000:1000::/:/bin/false');
    expect(screen()).toMatch(/^\/etc\/passwd against the image\s*$/m);
    expect(screen()).toMatch(/^changed · unified diff\s*$/m);
    expect(screen()).toMatch(/^ root:x:0:0::\/:\/sbin\/nologin\s*$/m);
    input.write('\x1b');
    await waitScreen(/C passwd\s*$/m);
    // D on a deleted entry: one line, no diff.
    input.write('\x1b[B');
    input.write('D');
    await waitScreen('deleted by the container: only the image has it');
    expect(screen()).not.toContain('+++ /dev/null');
    expect(data.calls.filter((c) => c.startsWith('diffFile'))).toEqual(['diffFile /etc/passwd', 'diffFile /etc/group']);
    input.write('\x1b');
    // The help view lists the key.
    input.write('?');
    await waitScreen('Keys (Esc closes)');
    input.write("/image's version\r");
    await waitScreen(/^\s*D\s+the selected file against the image's version/m);
  });

  it('writes nothing to stderr, and keeps blessed terminfo dumps off the screen', async () => {
    // screen-256color makes blessed 0.1.81 print "Error on screen-256color.plab_norm" on this machine.
    const consoleError = vi.spyOn(console, 'error');
    const stderrWrite = vi.spyOn(process.stderr, 'write');
    const { stderr, screen, waitScreen, raw } = setUp({ terminal: 'screen-256color' });
    await waitScreen('/app worker');
    rig!.terminal.close();
    expect(consoleError).not.toHaveBeenCalled();
    expect(stderrWrite).not.toHaveBeenCalled();
    expect(stderr).toEqual([]);
    expect(screen()).not.toContain('Error on');
    expect(raw()).not.toContain('Error on');
  });

  it('lays itself out again on resize, down to 80x24', async () => {
    const { resize, screen, waitScreen } = setUp({ cols: 120, rows: 40 });
    await waitScreen('/app worker');
    resize(80, 24);
    await waitScreen(/q quit {2}\? help/);
    const lines = screen().split('\n');
    expect(lines).toHaveLength(24);
    expect(lines[2]).toMatch(/^ 1 Processes {2}2 Files/);
    expect(lines[23]).toMatch(/q quit/);
  });

  it('steps aside for the shell and comes back exactly as it was', async () => {
    const { input, raw, screen, waitScreen } = setUp();
    await waitScreen('/app worker');
    const before = screen();
    const mark = raw().length;
    input.write('!');
    await waitFor(() => raw().includes('$ a shell was here'));
    await waitScreen('/app worker');
    const during = raw().slice(mark);
    // Left the alternate screen with the cursor shown before the shell wrote, and came back after.
    expect(during.indexOf('\x1b[?1049l')).toBeLessThan(during.indexOf('$ a shell was here'));
    expect(during.lastIndexOf('\x1b[?1049h')).toBeGreaterThan(during.indexOf('$ a shell was here'));
    expect(screen()).toBe(before);
  });

  it('sends Ctrl-C and signals down the same quit path, before blessed can exit', async () => {
    const { input, quits, waitScreen } = setUp();
    await waitScreen('/app worker');
    input.write('\x03');
    await waitFor(() => quits.length === 1);
    expect(quits).toEqual(['user']);
    // Our SIGTERM handler was registered before blessed's, which stands aside when not alone.
    const handlers = process.listeners('SIGTERM');
    expect(handlers.length).toBeGreaterThanOrEqual(2);
    process.emit('SIGTERM');
    await waitFor(() => quits.length === 2);
    expect(quits[1]).toBe('SIGTERM');
  });

  it('restores the terminal on close: normal screen, cursor shown', async () => {
    const { raw, waitScreen } = setUp();
    await waitScreen('/app worker');
    rig!.terminal.close();
    expect(raw().endsWith('\x1b[?1049l')).toBe(true);
    expect(raw().lastIndexOf('\x1b[?25h')).toBeGreaterThan(raw().lastIndexOf('\x1b[?1049h'));
    expect(process.listeners('SIGTERM')).toHaveLength(0);
  });

  it('uses no colour with NO_COLOR, only emphasis', async () => {
    const { raw, waitScreen } = setUp({ env: { NO_COLOR: '1' } });
    await waitScreen('/app worker');
    // SGR colour parameters: 30-37, 38;5, 40-47, 48;5, 90-97, 100-107.
    const sgr = [...raw().matchAll(/\x1b\[([\d;]*)m/g)].map((m) => m[1]!.split(';').map(Number));
    expect(sgr.flat().filter((n) => (n >= 30 && n <= 49) || (n >= 90 && n <= 107))).toEqual([]);
    expect(sgr.flat()).toContain(7);
  });
});
