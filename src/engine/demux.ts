// Splits the engine's multiplexed stream (8-byte frame headers: stream id, 3 zero bytes,
// big-endian length) into stdout and stderr. Frames may be cut anywhere by TCP. Remora's
// control server (session/control-exec.ts) speaks the same framing, with one stream more.
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';

export interface DemuxedStreams {
  stdout: PassThrough;
  stderr: PassThrough;
  /** Resolves when the source ended and both outputs were ended. */
  done: Promise<void>;
}

/**
 * `onOther` takes the frames of streams above 2, which the engine never sends (the control
 * server's exit status); without it they go to stdout with the rest.
 */
export function demultiplex(
  source: Readable,
  initial: Buffer = Buffer.alloc(0),
  onOther?: (stream: number, payload: Buffer) => void,
): DemuxedStreams {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let pending = initial;

  const drainFrames = (): void => {
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) return;
      const streamId = pending[0] as number;
      const payload = pending.subarray(8, 8 + size);
      pending = pending.subarray(8 + size);
      if (streamId > 2 && onOther) {
        onOther(streamId, payload);
        continue;
      }
      // 0 is stdin echoed back on some engines; treat it as stdout like the docker CLI does.
      const output = streamId === 2 ? stderr : stdout;
      // Backpressure: a slow reader (a copy to a slow disk) must pause the socket, or
      // memory grows with the size of what is copied.
      if (!output.write(payload) && !source.isPaused()) {
        source.pause();
        output.once('drain', () => source.resume());
      }
    }
  };

  const done = new Promise<void>((resolve) => {
    let finished = false;
    const finish = (): void => {
      // 'end' and then 'close' both come: ending the outputs twice would raise an error.
      if (finished) return;
      finished = true;
      drainFrames();
      stdout.end();
      stderr.end();
      resolve();
    };
    source.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      drainFrames();
    });
    source.once('end', finish);
    source.once('close', finish);
    source.once('error', finish);
  });
  drainFrames();
  return { stdout, stderr, done };
}
