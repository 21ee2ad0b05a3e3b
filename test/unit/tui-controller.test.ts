// The attach TUI without a terminal: keys in, screen text out, against a fake data source.
import { afterEach, describe, expect, it } from 'vitest';
import { RemoraError } from '../../src/core/errors.js';
import { AttachController } from '../../src/tui/attach-controller.js';
import type { TargetHeader } from '../../src/tui/data-source.js';
import { displayWidth, stripTags } from '../../src/tui/text.js';
import { createTheme } from '../../src/tui/theme.js';
import { FAKE_SUMMARY, FakeDataSource } from '../support/fake-data-source.js';
import { waitFor } from '../support/wait-for.js';

let controller: AttachController | undefined;
afterEach(async () => {
  await controller?.dispose();
  controller = undefined;
});

function setUp(options: { env?: NodeJS.ProcessEnv; data?: FakeDataSource; summary?: TargetHeader } = {}) {
  const data = options.data ?? new FakeDataSource();
  const state = { quits: 0, shells: 0, saved: [] as Array<[string, string]> };
  controller = new AttachController({
    data,
    summary: options.summary ?? FAKE_SUMMARY,
    theme: createTheme(options.env ?? {}),
    cwd: '/home/ops',
    requestRender: () => undefined,
    quit: () => state.quits++,
    openShell: async () => {
      state.shells++;
    },
    saveFile: async (path, text) => {
      state.saved.push([path, text]);
    },
    tickMs: 0,
  });
  const c = controller;
  c.start();
  const screen = (cols = 100, rows = 30): string => c.render(cols, rows).map(stripTags).join('\n');
  const type = (...keys: string[]): void => keys.forEach((k) => c.handleKey(k, [...k].length === 1 ? k : undefined));
  const waitScreen = (pattern: RegExp | string, cols?: number, rows?: number) =>
    waitFor(() => (typeof pattern === 'string' ? screen(cols, rows).includes(pattern) : pattern.test(screen(cols, rows))), {
      timeoutMs: 3000,
      what: String(pattern),
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n${screen(cols, rows)}`);
    });
  return { c, data, state, screen, type, waitScreen };
}

describe('attach controller', () => {
  it('on an exited target (a stand-in) says what the files are, and that no process runs where one is needed', async () => {
    const data = new FakeDataSource();
    const noProcess = async (): Promise<never> => {
      throw new RemoraError('TARGET_NOT_RUNNING', 'shop-api exited 2m ago (code 3): no process is running', {
        hint: 'trace it from its first instruction with `remora strace --from-start shop-api`',
      });
    };
    data.listProcesses = noProcess;
    data.listSockets = noProcess;
    const { screen, type, waitScreen } = setUp({
      data,
      summary: {
        ...FAKE_SUMMARY,
        postMortem: {
          kind: 'container',
          id: 'f'.repeat(64),
          name: 'shop-api',
          status: 'exited',
          exitCode: 3,
          finishedAt: new Date(Date.now() - 150_000).toISOString(),
        },
      },
    });
    await waitScreen('no process is running');
    expect(screen(160)).toMatch(
      /^remora ▸ shop-api {2}exited 2m ago \(code 3\) — files as it left them; tmpfs contents are gone {2}image /,
    );
    expect(screen()).toMatch(
      /^shop-api exited 2m ago \(code 3\): no process is running *\ntrace it from its first instruction with `remora strace --from-start shop-api` *$/m,
    );
    type('4');
    await waitScreen(/^shop-api exited 2m ago \(code 3\): no process is running *$/m);
    expect(screen()).not.toMatch(/sockets: /);
    type('2');
    await waitScreen(/data\/\s*$/m);
    // The original removed meanwhile: a banner says so; the stand-in's files stay browsable.
    controller!.onTargetEvent({ kind: 'original-removed' });
    await waitScreen(/^ shop-api was removed: these are the files it had, gone once you quit/m);
    type('enter');
    await waitScreen(/^\/data\s*$/m);
  });

  it('shows the header, the tabs and the target processes; switches views by number and Tab', async () => {
    const { screen, type, waitScreen } = setUp();
    await waitScreen(/^\s+7 nonroot\s+S\s+12\.5\s+20\.0M\s+1\s+2m05s \/app worker/m);
    expect(screen()).toMatch(/^remora ▸ shop-api {2}running up 3h 0m {2}image registry\.example\/shop-api:1\.4\.2/);
    // The main process's user, as the target's passwd names it.
    expect(screen()).toMatch(/^user nonroot {2}profile general {2}engine unix:\/\/\/var\/run\/docker\.sock/m);
    type('2');
    await waitScreen(/data\/\s*$/m);
    type('tab');
    await waitScreen('Nothing traced yet');
    type('S-tab', 'S-tab');
    await waitScreen(/PID USER/);
  });

  it('fits 80x24 and keeps every row in its columns with non-ASCII names', async () => {
    const { screen, waitScreen } = setUp();
    await waitScreen('日本語-batch', 80, 24);
    const lines = screen(80, 24).split('\n');
    expect(lines).toHaveLength(24);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(80);
    expect(lines[23]).toContain('q quit');
    const rows = lines.filter((l) => /^\s+\d+ nonroot/.test(l));
    expect(rows).toHaveLength(3);
    // COMMAND starts in the same column on every row, whatever came before it.
    expect(new Set(rows.map((r) => r.indexOf('/')))).toEqual(new Set([rows[0]!.indexOf('/')]));
  });

  it('filters as you type, Esc clears; sorts and draws the tree', async () => {
    const { screen, type, waitScreen } = setUp();
    await waitScreen('/app worker');
    type('/', 'b', 'a', 't');
    expect(screen()).toMatch(/filter processes: bat/);
    expect(screen()).not.toContain('/app worker');
    expect(screen()).toContain('日本語-batch');
    type('escape');
    expect(screen()).toContain('/app worker');
    type('N');
    expect(screen().split('\n')[4]).toMatch(/^\s+1 nonroot/);
    type('t');
    expect(screen()).toMatch(/├─ \/app worker/);
    expect(screen()).toMatch(/by pid · tree/);
  });

  it('opens details in a pager, searches it, and closes it with Esc', async () => {
    const { data, screen, type, waitScreen } = setUp();
    await waitScreen('/app worker');
    type('enter');
    await waitScreen('DB_PASSWORD=********');
    expect(data.calls).toContain('processDetails 7');
    type('/', 'P', 'O', 'R', 'T', 'enter');
    expect(screen()).toMatch(/"PORT": match 1 of 1/);
    type('escape');
    expect(screen()).toContain('/app worker');
  });

  it('asks before sending a signal, naming the process, and sends nothing on Esc', async () => {
    const { data, screen, type, waitScreen } = setUp();
    await waitScreen('/app worker');
    type('k');
    expect(screen()).toContain('Send a signal to PID 7 (app)? Esc cancels.');
    type('escape');
    expect(data.signals).toEqual([]);
    type('k', 'down', 'down', 'down', 'enter');
    await waitFor(() => data.signals.length === 1);
    expect(data.signals).toEqual([[7, 'QUIT']]);
    await waitScreen('sent SIGQUIT to 7 (app)');
  });

  it('traces the selected process; choosing another stops the first before the second starts', async () => {
    const { data, state, screen, type, waitScreen } = setUp();
    await waitScreen('/app worker');
    type('s');
    await waitScreen('● tracing');
    expect(screen()).toMatch(/● strace 7 app/);
    data.traceEmitters[0]!([
      {
        kind: 'syscall',
        time: '09:00:00.000001',
        pid: 7,
        syscall: 'openat',
        args: 'AT_FDCWD, "/nope", O_RDONLY',
        result: '-1',
        retval: -1,
        errno: 'ENOENT',
        errnoText: 'No such file or directory',
        raw: '',
      },
      { kind: 'syscall', time: '09:00:00.000002', pid: 7, syscall: 'write', args: '1, "tick\\n", 5', result: '5', retval: 5, raw: '' },
    ]);
    await waitScreen(/09:00:00\.000001\s+7 openat\(AT_FDCWD, "\/nope", O_RDONLY\) = -1 ENOENT/);
    type('up', 'enter');
    await waitScreen(/^errno {6}ENOENT \(No such file or directory\)$/m);
    expect(screen()).toContain('  2. "/nope"');
    type('escape', 'end', 'c');
    expect(screen()).toMatch(/openat\s+file\s+1\s+1/);
    type('c', '1', 'down', 'down', 's');
    await waitFor(() => data.calls.filter((c) => c.startsWith('trace')).length === 2);
    expect(data.calls.filter((c) => c.startsWith('trace'))).toEqual(['trace 7', 'trace 9']);
    await waitFor(() => data.activeTraces === 1);
    expect(data.maxActiveTraces).toBe(1);
    // w saves what the trace of the process now traced shows.
    data.traceEmitters[1]!([
      { kind: 'syscall', time: '09:00:01.000003', pid: 9, syscall: 'write', args: '1, "tock\\n", 5', result: '5', retval: 5, raw: '' },
    ]);
    await waitScreen(/09:00:01\.000003\s+9 write\(1, "tock\\n", 5\) = 5/);
    type('w', 'C-u', ...'/tmp/t.txt', 'enter');
    await waitScreen('wrote 1 lines to /tmp/t.txt');
    expect(state.saved).toEqual([['/tmp/t.txt', '09:00:01.000003 9 write(1, "tock\\n", 5) = 5\n']]);
  });

  it('freezes with a banner when the target stops, keeping the last data', async () => {
    const { data, screen, type, waitScreen } = setUp();
    await waitScreen('/app worker');
    const before = data.calls.filter((c) => c === 'listProcesses').length;
    controller!.onTargetEvent({ kind: 'state', state: 'stopped', exitCode: 137 });
    expect(screen()).toContain('shop-api stopped (exit code 137): views keep their last data · q quits');
    expect(screen()).toMatch(/shop-api {2}exited/);
    expect(screen()).toContain('/app worker');
    type('r', 'k', '!');
    expect(data.calls.filter((c) => c === 'listProcesses').length).toBe(before);
    expect(data.signals).toEqual([]);
    expect(screen()).toContain('the target is not running');
  });

  it('says when the engine is gone and clears the banner when it is back', async () => {
    const { screen, waitScreen } = setUp();
    await waitScreen('/app worker');
    controller!.onTargetEvent({ kind: 'engine', reachable: false, message: 'connect ENOENT /var/run/docker.sock' });
    expect(screen(200)).toContain(
      'the engine at unix:///var/run/docker.sock does not answer (connect ENOENT /var/run/docker.sock): retrying…',
    );
    expect(controller!.frozen).toBe(true);
    controller!.onTargetEvent({ kind: 'engine', reachable: true });
    expect(screen()).not.toContain('does not answer');
    expect(controller!.frozen).toBe(false);
  });

  it('forwards the selected listening port with f, shows it in the header, and stops it with f again', async () => {
    const { data, screen, type, waitScreen } = setUp();
    type('4');
    await waitScreen(/tcp\s+LISTEN\s+0\.0\.0\.0:8080/);
    type('f');
    await waitScreen('⇄ 127.0.0.1:8080→8080');
    expect(data.calls).toContain('forward 127.0.0.1 8080');
    expect(screen()).toContain('forwarding 127.0.0.1:8080 → 8080 (f again stops it)');
    type('f');
    await waitFor(() => data.forwards[0]?.stopped === true, { timeoutMs: 3000 });
    expect(screen()).not.toContain('⇄');
    // An established connection is not something to forward to.
    type('down', 'f');
    await waitScreen('f forwards a listening TCP socket (UDP is not forwarded)');
    expect(data.forwards).toHaveLength(1);
  });

  it('captures to the file named at the prompt with c, counts packets in the header, stops with c', async () => {
    const { data, screen, type, waitScreen } = setUp();
    type('4');
    await waitScreen(/LISTEN/);
    type('c');
    await waitScreen('capture to file');
    for (let i = 0; i < 'capture.pcap'.length; i++) type('backspace');
    type(...'app.pcap', 'enter');
    await waitScreen('● capture 0 → app.pcap');
    expect(data.calls).toContain('capture app.pcap');
    data.captures[0]!.onPackets(17);
    await waitScreen('● capture 17 → app.pcap');
    type('c');
    await waitScreen('42 packets captured to /home/ops/app.pcap');
    expect(data.captures[0]!.stopped).toBe(true);
    expect(screen()).not.toContain('● capture');
  });

  it('stops its forwards when the TUI ends', async () => {
    const { c, data, type, waitScreen } = setUp();
    type('4');
    await waitScreen(/LISTEN/);
    type('f');
    await waitScreen('⇄ 127.0.0.1:8080→8080');
    await c.dispose();
    expect(data.forwards[0]?.stopped).toBe(true);
  });

  it('browses files: enters directories, follows symlinks, views text, downloads with the typed path', async () => {
    const { data, screen, type, waitScreen } = setUp();
    type('2');
    await waitScreen(/current -> \/data/);
    type('end', 'enter');
    await waitScreen(/^\/data\s*$/m);
    expect(screen()).toContain('rapport-été.csv');
    type('enter');
    await waitScreen('2026-11-23T09:00:02Z tick 2');
    expect(screen()).toContain('57B (57 bytes) · ASCII text');
    type('q');
    type('d');
    expect(screen()).toContain('download /data/app.log to: /home/ops');
    type('C-u', ...'/tmp/out', 'enter');
    await waitScreen('downloaded shop-api:/data/app.log to /tmp/out');
    expect(data.calls).toContain('download /data/app.log /tmp/out');
    type('backspace');
    await waitScreen(/^\/\s*$/m);
  });

  it('opens the shell, help, and quits with q or Ctrl-C even mid-prompt', async () => {
    const { state, screen, type, waitScreen } = setUp();
    await waitScreen('/app worker');
    type('!');
    expect(state.shells).toBe(1);
    type('6', 'enter');
    expect(state.shells).toBe(2);
    type('?');
    expect(screen()).toContain('Keys (Esc closes)');
    type('escape', '1', '/', 'C-c');
    expect(state.quits).toBe(1);
    type('escape', 'q');
    expect(state.quits).toBe(2);
  });

  it('follows and searches the logs', async () => {
    const { data, screen, type, waitScreen } = setUp();
    type('5');
    await waitScreen('GET /health 200');
    data.logLines!([{ stream: 'stdout', text: 'GET /orders 500' }]);
    await waitScreen('GET /orders 500');
    type('/', ...'cache', 'enter');
    expect(screen()).toMatch(/search "cache" · paused/);
  });

  it('keeps emphasis and drops colour with NO_COLOR', async () => {
    const { c, waitScreen } = setUp({ env: { NO_COLOR: '1' } });
    await waitScreen('/app worker');
    const markup = c.render(100, 30).join('\n');
    expect(markup).not.toMatch(/-fg\}|-bg\}/);
    expect(markup).toContain('{inverse}');
  });
});
