// Packet capture in a target's network namespace: tcpdump in the toolkit (through the
// remora-capture script, which stops it cleanly when asked), its pcap streamed to a sink
// with a running packet count. Nothing is written into the target.
import type { Writable } from 'node:stream';
import { CAPTURE_HELPER, explainTcpdumpFailure, tcpdumpArgs, type CaptureRequest } from '../core/capture-command.js';
import { RemoraError } from '../core/errors.js';
import { PcapCounter } from '../core/pcap-stream.js';
import { readAllBytes } from '../engine/http-client.js';
import type { ToolkitSession } from '../session/toolkit-session.js';

export interface CaptureRun {
  /** Packets complete in the output so far. */
  readonly packets: number;
  /** Resolves when tcpdump is capturing (its pcap header arrived), or when it ended. */
  started: Promise<void>;
  /** Length of the output up to the end of its last complete packet. */
  readonly completeBytes: number;
  /** Asks tcpdump to flush and exit; `done` resolves when it has. */
  stop(): void;
  /** Drops the exec's stream (a toolkit already gone whose stream the engine keeps open). */
  abort(): void;
  /** Resolves once the output is complete; rejects when tcpdump refused to start. */
  done: Promise<{ packets: number; exitCode: number }>;
}

export async function startCapture(session: ToolkitSession, request: CaptureRequest, sink: Writable): Promise<CaptureRun> {
  const handle = await session.exec({ cmd: [CAPTURE_HELPER, ...tcpdumpArgs(request)], stdin: true });
  const counter = new PcapCounter();
  let markStarted = (): void => undefined;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  handle.stdin?.on('error', () => undefined);
  handle.stdout.on('data', (chunk: Buffer) => {
    counter.push(chunk);
    if (counter.started) markStarted();
    if (!sink.write(chunk)) {
      handle.stdout.pause();
      sink.once('drain', () => handle.stdout.resume());
    }
  });
  // Every byte handed to the sink before `done`: the exit code can be known while a paused
  // stdout still holds data.
  const drained = new Promise<void>((resolve) => handle.stdout.once('end', resolve).once('close', resolve));
  const stderr = readAllBytes(handle.stderr).catch(() => Buffer.alloc(0));
  let stopped = false;
  const done = (async () => {
    let exitCode: number;
    try {
      exitCode = await handle.exitCode;
    } catch {
      // The engine connection or the toolkit went away: what arrived is still complete.
      exitCode = -1;
    }
    await drained;
    markStarted();
    const message = (await stderr).toString('utf8');
    if (exitCode === 127 && !counter.started) {
      throw new RemoraError('TOOL_MISSING', `${CAPTURE_HELPER} is not in the toolkit image`, {
        hint: "capture needs Remora's own toolkit image (drop --toolkit-image)",
      });
    }
    if (exitCode !== 0 && !counter.started && !stopped) throw explainTcpdumpFailure(message, exitCode);
    return { packets: counter.packets, exitCode };
  })();
  done.catch(() => undefined);
  return {
    started,
    get packets() {
      return counter.packets;
    },
    get completeBytes() {
      return counter.completeBytes;
    },
    abort() {
      stopped = true;
      handle.close();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      handle.stdin?.end();
    },
    done,
  };
}
