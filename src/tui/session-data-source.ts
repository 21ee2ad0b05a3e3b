// The TUI's data source over a real toolkit session: every call is the plain command's own
// code in ops/ (ps, proc, strace, net, cp, the directory listing), nothing computed again.
// Formatting that belongs to the CLI (proc's text, cp's progress line) is handed in.
import { posix, resolve as resolvePath } from 'node:path';
import { formatBytes } from '../core/bytes.js';
import { formatProcessDetails } from '../core/process-details-text.js';
import { formatProgress } from '../core/transfer-progress.js';
import { resolveLocalPath } from '../core/cp-paths.js';
import { RemoraError } from '../core/errors.js';
import { noProcessMessage } from '../core/post-mortem.js';
import type { SyscallEvent } from '../core/strace-parser.js';
import type { Engine } from '../engine/types.js';
import { followContainerLogs } from '../ops/container-logs.js';
import { copyIn } from '../ops/copy-in.js';
import { compareFile } from '../ops/diff.js';
import { copyOut, type CopyResult } from '../ops/copy-out.js';
import { listDirectory } from '../ops/list-directory.js';
import { listSockets } from '../ops/net.js';
import { startCapture, type CaptureRun } from '../ops/capture.js';
import { openCaptureFile } from '../ops/capture-file.js';
import { startPortForward, type ForwardEvent } from '../ops/port-forward.js';
import { formatHostPort } from '../core/port-forward-spec.js';
import { previewFile } from '../ops/preview-file.js';
import { inspectProcess } from '../ops/proc.js';
import { processSubtree } from '../core/process-table.js';
import { HOLDER_IN_STAND_IN } from '../session/stand-in.js';
import { sharedPidNamespace } from '../session/toolkit-spec.js';
import { listProcesses } from '../ops/ps.js';
import type { ProcessListing } from '../core/ps-dump.js';
import { signalProcess } from '../ops/signal-process.js';
import { startTraceEvents } from '../ops/strace.js';
import { watchTarget } from '../ops/watch-target.js';
import type { ToolkitSession } from '../session/toolkit-session.js';
import type { Stoppable, TuiDataSource } from './data-source.js';

export interface SessionDataSourceOptions {
  session: ToolkitSession;
  engine: Engine;
  /** Where relative local paths start. */
  cwd: string;
  /** Log lines fetched before following. */
  logTail?: number;
  /** The target's session of the capture profile (opened on first use), for `c`. */
  openCaptureSession(): Promise<ToolkitSession>;
  /**
   * On a target with no process (a stand-in): run its program afresh, traced from its
   * execve (`remora strace --from-start`); Trace's `s` starts it.
   */
  traceFromStart?: (onEvents: (events: SyscallEvent[]) => void, onEnd: (error?: Error) => void) => Promise<Stoppable>;
}

const CAPTURE_COUNT_EVERY_MS = 500;

const PROGRESS_EVERY_MS = 200;

export function createSessionDataSource(options: SessionDataSourceOptions): TuiDataSource {
  const { session, engine } = options;
  const target = session.target;
  // A stand-in has no process of the target's: the views that need one say so (views/refreshed-table-view.ts).
  const postMortem = target.postMortem;
  const noProcess = (): RemoraError => {
    const { message, hint } = noProcessMessage(postMortem!.source, Date.now());
    return new RemoraError('TARGET_NOT_RUNNING', message, { hint });
  };
  // The logs are the original's (a stand-in logs nothing).
  const logsOf = postMortem?.source.kind === 'container' ? postMortem.source.id : target.id;
  // %CPU of each refresh is measured since the one before, so no refresh waits for a sample.
  let previous: ProcessListing | undefined;

  const progressHooks = (onProgress: (line: string) => void, warnings: string[]) => {
    const started = Date.now();
    let total: number | undefined;
    let bytes = 0;
    let said = 0;
    return {
      onTotal: (n: number) => {
        total = n;
      },
      onBytes: (n: number) => {
        bytes += n;
        const now = Date.now();
        if (now - said < PROGRESS_EVERY_MS) return;
        said = now;
        onProgress(formatProgress(bytes, total, now - started));
      },
      onWarning: (name: string, reason: string) => {
        warnings.push(`${name}: ${reason}`);
      },
    };
  };
  const summarize = (what: string, result: CopyResult, warnings: string[]): string =>
    `${what} (${result.files} file${result.files === 1 ? '' : 's'}, ${formatBytes(result.bytes)})${warnings.length ? `; skipped ${warnings.length}: ${warnings[0]}${warnings.length > 1 ? ', …' : ''}` : ''}`;

  return {
    async summary() {
      const details = await engine.inspectContainer(target.id);
      return {
        name: target.name,
        image: postMortem ? target.image : details.image,
        ...(postMortem ? { postMortem: postMortem.source } : {}),
        state: details.state.status,
        startedAt: details.state.startedAt,
        user: details.user || 'root',
        profile: session.profile.name,
        engine: engine.address,
        mainPid: session.target.rootPid,
      };
    },

    async listProcesses(signal) {
      if (postMortem) throw noProcess();
      // The first listing does not wait for a CPU sample (the table is drawn at once); its
      // %CPU is not shown (NaN) rather than a lifetime average that the next refresh, since
      // this one, would replace with another measure. The view asks again shortly.
      const listing = await listProcesses(session, previous ? { previous, signal } : { signal });
      const first = previous === undefined;
      previous = listing;
      // In a shared PID namespace (the host's, another container's) only its own tree.
      const own = sharedPidNamespace(session.target.pidMode)
        ? processSubtree(listing.processes, session.target.rootPid)
        : listing.processes;
      return first ? own.map((p) => ({ ...p, cpu: Number.NaN })) : own;
    },

    async processDetails(pid, signal) {
      const details = await inspectProcess(session, pid, { signal });
      return {
        title: `process ${pid} (${details.name}) in ${target.name}`,
        lines: formatProcessDetails(details).replace(/\n$/, '').split('\n'),
      };
    },

    sendSignal: (pid, signal) => signalProcess(session, pid, signal),

    async trace(pids, onEvents, onEnd) {
      if (postMortem) {
        if (options.traceFromStart && pids.length === 0) return options.traceFromStart(onEvents, onEnd);
        throw noProcess();
      }
      // strace prints a line at a time; hand the view one batch per turn of the event loop.
      let batch: SyscallEvent[] = [];
      const flush = (): void => {
        const events = batch;
        batch = [];
        if (events.length) onEvents(events);
      };
      const run = await startTraceEvents(session, pids.length ? { pids } : {}, (events) => {
        if (batch.length === 0) setImmediate(flush);
        batch.push(...events);
      });
      run.done.then(
        () => {
          flush();
          onEnd();
        },
        (error: Error) => {
          flush();
          onEnd(error);
        },
      );
      return { stop: async () => void (await run.stop()) };
    },

    listSockets: (signal) => (postMortem ? Promise.reject(noProcess()) : listSockets(session, signal)),

    async capture(localPath, onPackets, onEnd) {
      const captureSession = await options.openCaptureSession();
      const file = await openCaptureFile(resolvePath(options.cwd, localPath));
      let run: CaptureRun;
      try {
        run = await startCapture(captureSession, { interface: 'any', filter: [] }, file.stream);
      } catch (error) {
        await file.finish(false);
        throw error;
      }
      const ticker = setInterval(() => onPackets(run.packets), CAPTURE_COUNT_EVERY_MS);
      const ended = run.done.then(
        async ({ packets }) => {
          clearInterval(ticker);
          await file.finish(true, run.completeBytes);
          onEnd({ packets, path: file.path });
        },
        async (error: Error) => {
          clearInterval(ticker);
          await file.finish(false);
          onEnd(error);
        },
      );
      return {
        path: file.path,
        stop: async () => {
          run.stop();
          await ended;
        },
      };
    },

    async forward(remoteAddress, remotePort, onFailure) {
      const onEvent = (event: ForwardEvent): void => {
        if (event.kind === 'connection-failed') onFailure(`forward to ${remotePort}: ${event.reason}`);
      };
      const start = (localPort: number) =>
        startPortForward(session, [{ localAddresses: ['127.0.0.1'], localPort, remotePort }], { remoteAddress, onEvent });
      // kubectl's habit: the same port number locally when it is free.
      const forward = await start(remotePort).catch(() => start(0));
      const listener = forward.listeners[0]!;
      return { local: formatHostPort(listener.address, listener.localPort), remotePort, stop: () => forward.close() };
    },

    async openPath(path, signal) {
      const listing = await listDirectory(session, path, signal);
      if (listing.notDirectory) return { kind: 'file', path: listing.path };
      // A stand-in's holder is Remora's, not one of the target's files.
      const entries =
        postMortem && listing.path === '/' ? listing.entries.filter((e) => `/${e.name}` !== HOLDER_IN_STAND_IN) : listing.entries;
      return { kind: 'directory', listing: { path: listing.path, entries } };
    },

    previewFile: (path, signal) => previewFile(session, path, signal),

    async listChanges(signal) {
      // An image's stand-in has no changes of its own worth marking; an exited target's are the original's.
      if (postMortem?.source.kind === 'image') return new Map();
      signal.throwIfAborted();
      const changes = await engine.containerChanges(logsOf);
      const marks = { added: 'A', changed: 'C', deleted: 'D' } as const;
      return new Map(changes.map((c) => [c.path, marks[c.kind]]));
    },

    async diffFile(path, signal) {
      if (postMortem?.source.kind === 'image')
        return { kind: 'no-image-version', reason: `${target.name} is an image: its files are the image's, with no changes of their own` };
      const details = await engine.inspectContainer(logsOf);
      signal.throwIfAborted();
      try {
        return await compareFile(engine, details, path);
      } catch (error) {
        // A mount, what the engine makes, an image that is gone: the reason is the answer.
        if (error instanceof RemoraError && error.code === 'OPERATION_FAILED') return { kind: 'no-image-version', reason: error.message };
        throw error;
      }
    },

    async download(targetPath, localPath, onProgress, signal) {
      const warnings: string[] = [];
      const result = await copyOut({
        session,
        targetName: target.name,
        sourcePath: targetPath,
        followLink: false,
        destination: { kind: 'local', path: resolveLocalPath(localPath, options.cwd), display: localPath },
        requireDirectory: false,
        keepOwners: false,
        verify: false,
        hooks: progressHooks(onProgress, warnings),
        signal,
      });
      return summarize(`downloaded ${target.name}:${targetPath} to ${localPath}`, result, warnings);
    },

    async upload(localPath, targetDirectory, onProgress, signal) {
      const warnings: string[] = [];
      const into = targetDirectory.endsWith('/') ? targetDirectory : `${targetDirectory}/`;
      const result = await copyIn({
        session,
        targetName: target.name,
        source: { kind: 'local', path: resolveLocalPath(localPath, options.cwd), display: localPath },
        destPath: into,
        followLink: false,
        requireDirectory: true,
        owner: { kind: 'main-process' },
        verify: false,
        hooks: progressHooks(onProgress, warnings),
        signal,
      });
      return summarize(
        `uploaded ${localPath} to ${target.name}:${posix.join(into, posix.basename(localPath.replace(/\/+$/, '')))}`,
        result,
        warnings,
      );
    },

    async followLogs(onLines, onEnd) {
      const follower = await followContainerLogs(engine, logsOf, { tail: options.logTail ?? 1000 }, onLines, onEnd);
      return { stop: async () => follower.stop() };
    },

    watchTarget: (onEvent) => {
      const watch = watchTarget(engine, target.id, onEvent);
      // In a stand-in, the original too: its removal is said in the banner.
      const original =
        postMortem?.source.kind === 'container'
          ? watchTarget(engine, postMortem.source.id, (event) => {
              if (event.kind === 'state' && event.removed) onEvent({ kind: 'original-removed' });
            })
          : undefined;
      return {
        stop: async () => {
          watch.stop();
          original?.stop();
        },
      };
    },
  };
}
