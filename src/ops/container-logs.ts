// Follows a container's log from the engine (the last lines first), cut into lines and
// handed over in batches, for the TUI's Logs view. Stopping closes the engine stream.
import type { Engine } from '../engine/types.js';
import { LineSplitter } from './line-splitter.js';

export interface ContainerLogLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface LogFollower {
  stop(): void;
}

/** Lines arrive in order per stream; `onEnd` runs once both streams end (the container stopped, or stop()). */
export async function followContainerLogs(
  engine: Engine,
  containerId: string,
  options: { tail: number },
  onLines: (lines: ContainerLogLine[]) => void,
  onEnd: (error?: Error) => void,
): Promise<LogFollower> {
  const logs = await engine.logs(containerId, { follow: true, tail: options.tail });
  let pending = 0;
  let failure: Error | undefined;
  const watch = (stream: NodeJS.ReadableStream, name: ContainerLogLine['stream']): void => {
    pending++;
    // Lines of one chunk go together: a burst of output is one batch, not thousands of calls.
    let batch: ContainerLogLine[] = [];
    const splitter = new LineSplitter((text) => batch.push({ stream: name, text }));
    const flush = (): void => {
      if (batch.length === 0) return;
      const lines = batch;
      batch = [];
      onLines(lines);
    };
    stream.on('data', (chunk: Buffer) => {
      splitter.push(chunk);
      flush();
    });
    stream.on('error', (error: Error) => {
      failure ??= error;
    });
    stream.once('end', () => done());
    stream.once('close', () => done());
    let ended = false;
    function done(): void {
      if (ended) return;
      ended = true;
      splitter.end();
      flush();
      if (--pending === 0) onEnd(failure);
    }
  };
  watch(logs.stdout, 'stdout');
  watch(logs.stderr, 'stderr');
  return { stop: () => logs.close() };
}
