// `remora attach` from start to end on one screen: the picker when no target was named,
// a page saying what happens while the session starts (or its image builds), the TUI, and
// one quit path for q, Ctrl-C, signals and a closed terminal: the terminal is restored
// first, then the trace and the streams stop, then the session is left (or ended, --rm).
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { exitStatusOfSignal } from '../core/exit-status.js';
import { AttachController } from './attach-controller.js';
import type { TuiDataSource } from './data-source.js';
import type { TargetRow } from '../ops/targets.js';
import { ProgressPage, TargetPicker } from './target-picker.js';
import { Terminal, type QuitReason } from './terminal.js';
import { createTheme } from './theme.js';

export interface Connection {
  data: TuiDataSource;
  /** Runs a shell on this terminal (the TUI is suspended meanwhile). */
  openShell(): Promise<unknown>;
  /** Leaves the session to its idle timer, or ends it (--rm); disposes the engine client. */
  close(): Promise<void>;
}

export interface AttachOptions {
  /** The target as typed; absent: pick one. */
  query: string | undefined;
  listTargets(): Promise<TargetRow[]>;
  /** Resolves the target and opens its session, reporting progress lines. */
  connect(query: string, say: (line: string) => void): Promise<Connection>;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Exit statuses by how the TUI ended (a signal as the shell reports it; a closed input as a hangup). */
const EXIT_BY_REASON: Record<QuitReason | 'user', number> = {
  user: 0,
  SIGINT: exitStatusOfSignal('SIGINT'),
  SIGTERM: exitStatusOfSignal('SIGTERM'),
  SIGHUP: exitStatusOfSignal('SIGHUP'),
  SIGQUIT: exitStatusOfSignal('SIGQUIT'),
  'input-closed': exitStatusOfSignal('SIGHUP'),
};

export async function runAttach(options: AttachOptions): Promise<number> {
  const theme = createTheme(options.env ?? process.env);
  const cwd = options.cwd ?? process.cwd();
  let quit: (reason: QuitReason | 'user') => void = () => undefined;
  const quitting = new Promise<QuitReason | 'user'>((resolveQuit) => {
    quit = resolveQuit;
  });
  const terminal = new Terminal({ input: options.input, output: options.output, onQuitSignal: (reason) => quit(reason) });
  const requestRender = (): void => terminal.requestRender();
  let connection: Connection | undefined;
  let controller: AttachController | undefined;
  let watch: { stop(): Promise<void> } | undefined;
  try {
    let query = options.query;
    if (!query) {
      const listing = new ProgressPage('remora attach: listing containers…', theme, () => quit('user'), requestRender);
      terminal.show(listing);
      const targets = await Promise.race([options.listTargets(), quitting.then(() => undefined)]);
      if (!targets) return EXIT_BY_REASON.user;
      const picked = await new Promise<TargetRow | undefined>((resolvePick) => {
        terminal.show(new TargetPicker(targets, theme, resolvePick, requestRender));
        void quitting.then(() => resolvePick(undefined));
      });
      if (!picked) return EXIT_BY_REASON.user;
      query = picked.name;
    }

    const progress = new ProgressPage(`remora attach ${query}: starting the toolkit session…`, theme, () => quit('user'), requestRender);
    terminal.show(progress);
    const connecting = options.connect(query, (line) => progress.say(line));
    const first = await Promise.race([connecting, quitting]);
    if (typeof first === 'string') {
      // Quit while connecting: whatever the connection becomes, it is left at once.
      void connecting.then((c) => c.close()).catch(() => undefined);
      return EXIT_BY_REASON[first];
    }
    connection = first;
    const data = connection.data;
    const shell = connection.openShell;
    controller = new AttachController({
      data,
      summary: await data.summary(),
      theme,
      cwd,
      requestRender,
      quit: () => quit('user'),
      openShell: () => terminal.suspend(shell).then(() => undefined),
      saveFile: (path, text) => writeFile(resolve(cwd, path), text),
    });
    const attached = controller;
    watch = data.watchTarget((event) => attached.onTargetEvent(event));
    terminal.show(controller);
    controller.start();
    return EXIT_BY_REASON[await quitting];
  } finally {
    terminal.close();
    await Promise.allSettled([controller?.dispose(), watch?.stop()]);
    await connection?.close();
  }
}
