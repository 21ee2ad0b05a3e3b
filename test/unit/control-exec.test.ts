// The control socket's client against a fake server: the protocol as remora-serve.c speaks
// it (the real server is exercised by the integration tests, in a toolkit).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { controlCanRun, encodeControlRequest, execThroughControl } from '../../src/session/control-exec.js';
import { readAllBytes } from '../../src/engine/http-client.js';

let scratch: string;
let server: Server | undefined;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'remora-control-exec-'));
});
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  rmSync(scratch, { recursive: true, force: true });
});

function frame(stream: number, payload: Buffer | string): Buffer {
  const body = Buffer.from(payload);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

function status(code: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(code);
  return frame(3, payload);
}

/** A fake server on control.sock in the scratch directory; `onConnection` plays remora-serve's part. */
async function fakeServer(onConnection: (socket: Socket) => void): Promise<string> {
  const path = join(scratch, 'control.sock');
  server = createServer(onConnection);
  await new Promise<void>((resolve) => server?.listen(path, resolve));
  return path;
}

describe('the control socket client', () => {
  it('encodes a request as NUL-terminated fields after their length', () => {
    const request = encodeControlRequest({ cmd: ['sh', '-c', 'true'], env: ['A=1'], stdin: true });
    const body = 'remora-serve/1\0stdin\x003\0sh\0-c\0true\0A=1\0';
    expect(request.readUInt32BE(0)).toBe(Buffer.byteLength(body));
    expect(request.subarray(4).toString()).toBe(body);
    expect(encodeControlRequest('stop').subarray(4).toString()).toBe('remora-serve/1\0stop\x000\0');
  });

  it('goes to the engine for what the server does not do: a terminal, another user', () => {
    expect(controlCanRun({ cmd: ['true'] })).toBe(true);
    expect(controlCanRun({ cmd: ['true'], tty: true })).toBe(false);
    expect(controlCanRun({ cmd: ['true'], user: 'nobody' })).toBe(false);
  });

  it('answers undefined when nothing listens, so the caller asks the engine', async () => {
    expect(await execThroughControl(join(scratch, 'control.sock'), { cmd: ['true'] })).toBeUndefined();
  });

  it('splits stdout and stderr, frames cut anywhere, and resolves the status sent last', async () => {
    const path = await fakeServer((socket) => {
      const answer = Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err\n'), frame(1, 'out 2\n'), status(7)]);
      // One byte at a time: frames cut at every offset.
      let at = 0;
      const drip = (): void => {
        if (at >= answer.length) return void socket.end();
        socket.write(answer.subarray(at, at + 1), drip);
        at += 1;
      };
      socket.once('data', drip);
    });
    const handle = await execThroughControl(path, { cmd: ['x'] });
    if (!handle) throw new Error('no handle');
    const [stdout, stderr, code] = await Promise.all([readAllBytes(handle.stdout), readAllBytes(handle.stderr), handle.exitCode]);
    expect([stdout.toString(), stderr.toString(), code]).toEqual(['out 1\nout 2\n', 'err\n', 7]);
  });

  it('sends stdin as frames and EOF as an empty one', async () => {
    const received: Buffer[] = [];
    const path = await fakeServer((socket) => {
      socket.on('data', (chunk: Buffer) => {
        received.push(chunk);
        const all = Buffer.concat(received);
        // The request, then stdin: an empty frame (8 zero bytes at the end) closes it.
        if (all.length > 8 && all.subarray(-8).equals(Buffer.alloc(8))) socket.end(status(0));
      });
    });
    const handle = await execThroughControl(path, { cmd: ['wc', '-c'], stdin: true });
    if (!handle?.stdin) throw new Error('no stdin');
    handle.stdin.end(Buffer.alloc(100_000, 'x'));
    expect(await handle.exitCode).toBe(0);
    const all = Buffer.concat(received);
    const requestEnd = 4 + all.readUInt32BE(0);
    const frames: Array<[number, number]> = [];
    for (let at = requestEnd; at < all.length;) {
      const size = all.readUInt32BE(at + 4);
      frames.push([all[at] as number, size]);
      at += 8 + size;
    }
    // At most 64 KiB a frame, which the server's buffer holds.
    expect(frames).toEqual([
      [0, 65536],
      [0, 100_000 - 65536],
      [0, 0],
    ]);
  });

  it('reads a connection cut before any status as a kill, as a dying toolkit does to an engine exec', async () => {
    const path = await fakeServer((socket) => socket.once('data', () => socket.end(frame(1, 'partial'))));
    const handle = await execThroughControl(path, { cmd: ['x'] });
    if (!handle) throw new Error('no handle');
    const [stdout, code] = await Promise.all([readAllBytes(handle.stdout), handle.exitCode]);
    expect([stdout.toString(), code]).toEqual(['partial', 137]);
  });
});
