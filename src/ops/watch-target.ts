// Watches a target while something is attached to it: its stop, pause and start from the
// engine's event stream, and the engine itself going away and coming back (then the state
// is read again, since events were missed meanwhile). Retries until stopped.
import type { ContainerDetails, Engine } from '../engine/types.js';
import { LineSplitter } from './line-splitter.js';

export type TargetStateEvent =
  | { kind: 'state'; state: 'running' | 'paused' | 'stopped'; exitCode?: number; removed?: boolean }
  | { kind: 'engine'; reachable: boolean; message?: string }
  /** The container a stand-in stands in for was removed (the stand-in and its session live on). */
  | { kind: 'original-removed' };

export interface TargetWatch {
  stop(): void;
}

/** Backoff between reconnection attempts, in ms (the last one repeats). */
const RETRY_MS = [500, 1000, 2000, 5000];

/** The state an engine event moves the target to; undefined for events that change nothing. */
export function stateOfEvent(raw: {
  Action?: string;
  status?: string;
  Actor?: { Attributes?: Record<string, string> };
}): TargetStateEvent | undefined {
  const action = (raw.Action ?? raw.status ?? '').split(':')[0];
  switch (action) {
    case 'die':
    case 'destroy': {
      const code = Number(raw.Actor?.Attributes?.exitCode);
      const removed = action === 'destroy' ? { removed: true } : {};
      return Number.isInteger(code)
        ? { kind: 'state', state: 'stopped', exitCode: code, ...removed }
        : { kind: 'state', state: 'stopped', ...removed };
    }
    case 'pause':
      return { kind: 'state', state: 'paused' };
    case 'unpause':
    case 'start':
    case 'restart':
      return { kind: 'state', state: 'running' };
    default:
      return undefined;
  }
}

export function stateOfDetails(details: ContainerDetails): TargetStateEvent {
  if (details.state.paused) return { kind: 'state', state: 'paused' };
  if (details.state.running) return { kind: 'state', state: 'running' };
  return { kind: 'state', state: 'stopped', exitCode: details.state.exitCode };
}

export function watchTarget(engine: Engine, targetId: string, onEvent: (event: TargetStateEvent) => void): TargetWatch {
  let stopped = false;
  let close: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  let lost = false;

  const retry = (error: unknown): void => {
    close = undefined;
    if (stopped) return;
    if (!lost) {
      lost = true;
      onEvent({ kind: 'engine', reachable: false, message: (error as Error | undefined)?.message?.split('\n')[0] });
    }
    timer = setTimeout(connect, RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)]);
  };

  const connect = async (): Promise<void> => {
    if (stopped) return;
    try {
      const { stream, close: closeStream } = await engine.events({ container: [targetId], type: ['container'] });
      if (stopped) return closeStream();
      close = closeStream;
      if (lost) {
        // Back: say so, then catch up on what happened while the stream was down.
        lost = false;
        failures = 0;
        onEvent({ kind: 'engine', reachable: true });
        onEvent(await engine.inspectContainer(targetId).then(stateOfDetails, () => ({ kind: 'state', state: 'stopped' }) as const));
      }
      const lines = new LineSplitter((line) => {
        if (!line.trim()) return;
        try {
          const event = stateOfEvent(JSON.parse(line));
          if (event) onEvent(event);
        } catch {
          // A line that is not JSON is not an event.
        }
      });
      stream.on('data', (chunk: Buffer) => lines.push(chunk));
      let ended = false;
      const end = (error?: unknown): void => {
        if (ended) return;
        ended = true;
        retry(error ?? new Error('the event stream ended'));
      };
      stream.once('error', end);
      stream.once('end', () => end());
      stream.once('close', () => end());
    } catch (error) {
      retry(error);
    }
  };

  void connect();
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      close?.();
    },
  };
}
