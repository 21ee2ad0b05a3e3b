// A shell-less target whose service listens on 127.0.0.1:7000 only (test/fixtures/
// forward-server/server.c), for port-forward and capture tests, and a client for it.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { LABEL } from '../../src/core/labels.js';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { fileURLToPath } from 'node:url';
import { ensureBuiltImage } from '../../src/session/toolkit-image.js';
import { runLabel, type RunningTarget, TEST_LABEL } from './fixtures.js';

export const FORWARD_SERVER_IMAGE = 'remora-test/forward-server:latest';
export const SERVER_PORT = 7000;

export async function startForwardServer(engine: DockerEngine, options: { networkNone?: boolean } = {}): Promise<RunningTarget> {
  await ensureBuiltImage({
    engine,
    tag: FORWARD_SERVER_IMAGE,
    directory: fileURLToPath(new URL('../fixtures/forward-server', import.meta.url)),
    say: () => undefined,
    what: 'test target (forward server)',
  });
  const name = `remora-t-fwd-${randomBytes(3).toString('hex')}`;
  const id = await engine.createContainer({
    name,
    image: FORWARD_SERVER_IMAGE,
    labels: { [TEST_LABEL]: runLabel() },
    hostConfig: options.networkNone ? { networkMode: 'none' } : {},
  });
  await engine.startContainer(id);
  return {
    id,
    name,
    async [Symbol.asyncDispose]() {
      const toolkits = await engine.listContainers({ all: true, labels: [`${LABEL.target}=${id}`] });
      await Promise.all([engine.removeContainer(id), ...toolkits.map((t) => engine.removeContainer(t.id))]);
    },
  };
}

/** The bytes the server sends for `SIZE n`. */
export function expectedPattern(size: number): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (i * 131) % 251;
  return data;
}

export interface Exchange {
  data: Buffer;
  /** How the connection ended: 'end' (FIN) or the error code (ECONNRESET). */
  ending: string;
}

/** Connects, sends `request` (then half-closes when asked), reads until the connection ends. */
export function exchange(port: number, request: string | Buffer, options: { halfClose?: boolean; host?: string } = {}): Promise<Exchange> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket: Socket = connect({ host: options.host ?? '127.0.0.1', port, allowHalfOpen: true });
    let ending = 'end';
    socket.on('connect', () => {
      socket.write(request);
      if (options.halfClose) socket.end();
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => socket.end());
    socket.on('error', (error: NodeJS.ErrnoException) => {
      ending = error.code ?? error.message;
    });
    socket.on('close', () => resolve({ data: Buffer.concat(chunks), ending }));
  });
}
