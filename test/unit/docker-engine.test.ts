// The engine adapter's protocol handling, against a fake Docker API on a unix socket: how
// refusals become typed failures, the order of an exec's requests (create, start, then
// inspect once the output has ended), and the labels REMORA_LABELS adds on create. What
// the engine itself does is tested on the real engine (test/integration).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseLabelList } from '../../src/core/labels.js';
import { profileByName } from '../../src/core/profiles.js';
import { encodeFileHeader } from '../../src/core/tar-header.js';
import { createEngine } from '../../src/engine/create-engine.js';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { classifyEngineFailure, EngineError, missingBindSourceOf, translateEngineError } from '../../src/engine/engine-errors.js';
import { readAll } from '../../src/engine/http-client.js';
import { openArchiveFile } from '../../src/ops/archive-copy-out.js';
import { ToolkitSession, type Target } from '../../src/session/toolkit-session.js';

interface Seen {
  method: string;
  url: string;
  body: string;
  httpVersion?: string;
}
type Answer = (request: Seen, response: http.ServerResponse) => void;
type Upgrade = (request: Seen, socket: Duplex) => void;

const scratch = mkdtempSync(join(tmpdir(), 'remora-engine-'));
const socketPath = join(scratch, 'engine.sock');
/** What the fake engine saw, in order (requests, and the marks it made itself). */
const seen: string[] = [];
const bodies: Seen[] = [];
const connections: Socket[] = [];
let answer: Answer = (_request, response) => response.end();
let upgrade: Upgrade = (_request, socket) => socket.destroy();

const server = http.createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    const entry = { method: request.method ?? '', url: request.url ?? '', body, httpVersion: request.httpVersion };
    seen.push(`${entry.method} ${entry.url}`);
    bodies.push(entry);
    response.setHeader('Api-Version', '1.41');
    answer(entry, response);
  });
});
server.on('upgrade', (request: http.IncomingMessage, socket: Duplex) => {
  const entry = { method: request.method ?? '', url: request.url ?? '', body: '' };
  seen.push(`${entry.method} ${entry.url}`);
  upgrade(entry, socket);
});
server.on('connection', (socket) => connections.push(socket));

let engine: DockerEngine;

beforeAll(() => new Promise<void>((resolve) => server.listen(socketPath, resolve)));
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});
afterEach(() => {
  engine?.dispose();
  seen.length = 0;
  bodies.length = 0;
  for (const socket of connections.splice(0)) socket.destroy();
});

function newEngine(env: NodeJS.ProcessEnv = {}): DockerEngine {
  engine = createEngine({ host: `unix://${socketPath}` }, env);
  return engine;
}

/** The running target of the toolkit sessions made here. */
const runningTarget: Target = {
  id: 'target1',
  name: 'app',
  image: 'app:1',
  state: { status: 'running', running: true, paused: false },
  pidMode: '',
  rootPid: 1,
  labels: {},
};

function refuse(response: http.ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify({ message }));
}

/** One frame of the engine's multiplexed stream: 1 stdout, 2 stderr. */
function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** What the engine answers to an inspect of a running container. */
function runningContainer(id: string, name: string): object {
  return {
    Id: id,
    Name: `/${name}`,
    Image: 'sha256:1',
    State: {
      Status: 'running',
      Running: true,
      Paused: false,
      Restarting: false,
      ExitCode: 0,
      StartedAt: '',
      FinishedAt: '',
      Pid: 42,
    },
    Config: { Image: 'app:1', Labels: {} },
    HostConfig: {},
  };
}

describe('refusals as typed failures', () => {
  it('404 "No such container" is CONTAINER_NOT_FOUND, said as "no container named"', async () => {
    answer = (_request, response) => refuse(response, 404, 'No such container: nope');
    const error = await rejection(newEngine().inspectContainer('nope'));
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({
      failure: 'CONTAINER_NOT_FOUND',
      code: 'TARGET_NOT_FOUND',
      message: 'no container named nope',
      status: 404,
    });
    expect(seen).toEqual(['GET /containers/nope/json']);
  });

  it('409 on an exec into a paused container is CONTAINER_PAUSED, with the hint to unpause', async () => {
    const said = 'Container 0123 is paused, unpause the container before exec';
    answer = (_request, response) => refuse(response, 409, said);
    const error = await rejection(newEngine().exec('0123', { cmd: ['true'] }));
    expect(error).toMatchObject({
      failure: 'CONTAINER_PAUSED',
      code: 'TARGET_PAUSED',
      message: said,
      hint: 'unpause it with `docker unpause`',
    });
    expect(seen).toEqual(['POST /containers/0123/exec']);
  });

  it("a refusal the adapter has no words for keeps the engine's, as ENGINE_ERROR", async () => {
    answer = (_request, response) => refuse(response, 500, 'something broke');
    expect(await rejection(newEngine().startContainer('0123'))).toMatchObject({
      failure: 'REFUSED',
      code: 'ENGINE_ERROR',
      message: 'the engine refused: something broke',
    });
  });

  it('a removal of a container already gone, or already being removed, is no error', async () => {
    answer = (request, response) =>
      request.url.includes('gone')
        ? refuse(response, 404, 'No such container: gone')
        : refuse(response, 409, 'removal of container busy is already in progress');
    await newEngine().removeContainer('gone');
    await engine.removeContainer('busy');
    expect(seen).toEqual(['DELETE /containers/gone?force=1&v=1', 'DELETE /containers/busy?force=1&v=1']);
  });

  it("classifies the engines' wordings of the same failure alike", () => {
    expect(classifyEngineFailure(409, 'Conflict. The container name "/remora-x" is already in use by container "0123"')).toBe(
      'NAME_IN_USE',
    );
    expect(
      classifyEngineFailure(
        500,
        'creating container storage: the container name "remora-x" is already in use by 0123. You have to remove that container to be able to reuse that name: that name is already in use',
      ),
    ).toBe('NAME_IN_USE');
    expect(classifyEngineFailure(500, 'driver failed programming external connectivity: address already in use')).toBe('REFUSED');
    expect(
      classifyEngineFailure(500, 'failed to create shim task: OCI runtime create failed: unable to apply caps: operation not permitted'),
    ).toBe('CAPS_REFUSED');
    expect(classifyEngineFailure(409, 'cannot join network of a non running container: 0123')).toBe('CONTAINER_NOT_RUNNING');
    expect(classifyEngineFailure(500, 'joining PID namespace of 42: no such process')).toBe('CONTAINER_NOT_RUNNING');
    expect(classifyEngineFailure(400, 'invalid mount config for type "bind": bind source path does not exist: /gone')).toBe(
      'BIND_SOURCE_MISSING',
    );
    expect(classifyEngineFailure(500, 'exec /app: exec format error')).toBe('WRONG_ARCHITECTURE');
    expect(classifyEngineFailure(500, 'container state improper')).toBe('CONTAINER_BUSY');
    expect(classifyEngineFailure(404, 'Could not find the file /x in container 0123', '/containers/0123/archive')).toBe('PATH_NOT_FOUND');
    expect(classifyEngineFailure(404, 'No such image: app:2')).toBe('IMAGE_NOT_FOUND');
    expect(classifyEngineFailure(409, 'Container 0123 is restarting, wait until the container is running')).toBe('CONTAINER_RESTARTING');
    expect(classifyEngineFailure(500, 'statfs /srv/app: no such file or directory')).toBe('BIND_SOURCE_MISSING');
    expect(classifyEngineFailure(500, 'CommitFailure: runroot must be set')).toBe('COMMIT_UNSUPPORTED');
  });

  it("reads a missing bind mount's host path from Docker's and Podman's refusals, spaces included", () => {
    const refusal = (message: string) => translateEngineError(Object.assign(new Error(message), { statusCode: 400 }));
    expect(missingBindSourceOf(refusal('invalid mount config for type "bind": bind source path does not exist: /srv/my app'))).toBe(
      '/srv/my app',
    );
    expect(missingBindSourceOf(refusal('statfs /srv/app: no such file or directory'))).toBe('/srv/app');
    expect(missingBindSourceOf(refusal('no such image'))).toBeUndefined();
  });
});

describe('an exec', () => {
  it('creates, starts (an upgraded stream), and inspects for the exit code once the output has ended', async () => {
    answer = (request, response) => {
      if (request.url === '/containers/tk/exec') {
        response.writeHead(201, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ Id: 'e1' }));
      } else if (request.url === '/exec/e1/json') response.end(JSON.stringify({ ExitCode: 3, Running: false }));
      else refuse(response, 404, 'unexpected');
    };
    upgrade = (_request, socket) => {
      socket.write(
        'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n',
      );
      socket.write(Buffer.concat([frame(1, 'hello\n'), frame(2, 'oops\n')]));
      socket.end(() => seen.push('output ended'));
    };
    const handle = await newEngine().exec('tk', { cmd: ['sh', '-c', 'exit 3'] });
    const [stdout, stderr, exitCode] = await Promise.all([readAll(handle.stdout), readAll(handle.stderr), handle.exitCode]);
    expect({ stdout, stderr, exitCode }).toEqual({ stdout: 'hello\n', stderr: 'oops\n', exitCode: 3 });
    expect(seen).toEqual(['POST /containers/tk/exec', 'POST /exec/e1/start', 'output ended', 'GET /exec/e1/json']);
    expect(JSON.parse(bodies[0]!.body)).toMatchObject({
      Cmd: ['sh', '-c', 'exit 3'],
      AttachStdout: true,
      AttachStderr: true,
      AttachStdin: false,
      Tty: false,
    });
  });

  it('in a toolkit that vanished: "the toolkit session ended", not "no container named <toolkit id>"', async () => {
    let targetRunning = true;
    answer = (request, response) => {
      if (request.url === '/containers/tk-gone/exec') refuse(response, 404, 'No such container: tk-gone');
      else if (request.url === '/containers/target1/json' && targetRunning)
        response.end(JSON.stringify(runningContainer('target1', 'app')));
      else refuse(response, 404, 'No such container: target1');
    };
    const session = new ToolkitSession(newEngine(), 'tk-gone', runningTarget, profileByName('general'), 'remora-toolkit:1', undefined);
    expect(await rejection(session.exec({ cmd: ['true'] }))).toMatchObject({
      code: 'SESSION_ENDED',
      message: 'the toolkit session of app ended (detached or stopped) before the command started',
      hint: 'run the command again: it starts a new session',
    });
    // Gone with its target: the target's end is what the user hears.
    targetRunning = false;
    expect(await rejection(session.run(['true']))).toMatchObject({ code: 'TARGET_EXITED', message: 'target app exited' });
  });
});

describe("a large file's archive", () => {
  /** Reads a stream to its end, in the chunks it came in. */
  async function chunksOf(stream: NodeJS.ReadableStream): Promise<Buffer[]> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return chunks;
  }

  it('is asked in HTTP/1.0 and read unchunked to where the engine closes, in chunks of about 1 MiB', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 777);
    answer = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/x-tar' });
      // Many small writes, as the engine sends: the reader gathers them.
      for (let at = 0; at < bytes.length; at += 32 * 1024) response.write(bytes.subarray(at, at + 32 * 1024));
      response.end();
    };
    const chunks = await chunksOf(await newEngine().getArchive('0123', '/big', { large: true }));
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    expect(chunks.length).toBeLessThanOrEqual(5);
    expect(bodies[0]).toMatchObject({ method: 'GET', url: '/containers/0123/archive?path=%2Fbig', httpVersion: '1.0' });
  });

  it('reads into a chunk again once all its bytes are given back, and never before', async () => {
    const bytes = randomBytes(12 * 1024 * 1024);
    answer = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/x-tar' });
      for (let at = 0; at < bytes.length; at += 32 * 1024) response.write(bytes.subarray(at, at + 32 * 1024));
      response.end();
    };
    const body = await newEngine().getArchive('0123', '/big', { large: true });
    const copies: Buffer[] = [];
    const memories = new Set<ArrayBufferLike>();
    const held: Array<{ bytes: Buffer; copy: Buffer }> = [];
    for await (const chunk of body as AsyncIterable<Buffer>) {
      copies.push(Buffer.from(chunk));
      memories.add(chunk.buffer);
      // Given back in two parts, the second three chunks later: until then it is not read into.
      body.release?.(chunk.subarray(0, 100));
      held.push({ bytes: chunk.subarray(100), copy: Buffer.from(chunk.subarray(100)) });
      if (held.length > 3) {
        const oldest = held.shift() as { bytes: Buffer; copy: Buffer };
        expect(oldest.bytes.equals(oldest.copy)).toBe(true);
        body.release?.(oldest.bytes);
      }
    }
    expect(Buffer.concat(copies).equals(bytes)).toBe(true);
    expect(memories.size).toBeLessThan(copies.length);
  });

  it('aborted once the answer has begun: the body closes, it does not wait for more', async () => {
    answer = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/x-tar' });
      response.write(Buffer.alloc(2 * 1024 * 1024));
      // ...and nothing more: the engine stalls.
    };
    const controller = new AbortController();
    const body = await newEngine().getArchive('0123', '/big', { large: true, signal: controller.signal });
    let read = 0;
    const reading = (async () => {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        read += chunk.length;
        controller.abort();
      }
    })();
    await reading.catch(() => undefined);
    expect(body.destroyed).toBe(true);
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(2 * 1024 * 1024);
  });

  it('stops at Content-Length when the engine gives one', async () => {
    answer = (_request, response) => {
      response.writeHead(200, { 'Content-Length': '5' });
      response.end('hello');
    };
    expect(Buffer.concat(await chunksOf(await newEngine().getArchive('0123', '/f', { large: true }))).toString()).toBe('hello');
  });

  it('cut short by the engine: the copy fails, nothing is taken for the whole file', async () => {
    const size = 2 * 1024 * 1024;
    answer = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/x-tar' });
      response.write(encodeFileHeader({ name: 'big', size, mode: 0o644, uid: 0, gid: 0, mtimeMs: 0 }));
      response.end(Buffer.alloc(size / 2));
    };
    const session = new ToolkitSession(newEngine(), 'tk', runningTarget, profileByName('general'), 'remora-toolkit:1', undefined);
    const source = await openArchiveFile(session, { targetName: 'app', path: '/big' });
    let read = 0;
    const copying = (async () => {
      for await (const entry of source.entries) for await (const chunk of entry.data ?? []) read += chunk.length;
    })();
    expect(await rejection(copying)).toMatchObject({ message: 'the copy of app:/big was cut short' });
    expect(read).toBe(size / 2);
  });

  it("a refusal is the engine's, typed as for any other request", async () => {
    answer = (_request, response) => refuse(response, 404, 'Could not find the file /big in container 0123');
    expect(await rejection(newEngine().getArchive('0123', '/big', { large: true }))).toMatchObject({ failure: 'PATH_NOT_FOUND' });
  });
});

describe('REMORA_LABELS', () => {
  it("puts its labels on every container created, beside the spec's own", async () => {
    answer = (_request, response) => {
      response.writeHead(201, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ Id: 'c1' }));
    };
    const id = await newEngine({ REMORA_LABELS: 'ci.run=1234,team=payments' }).createContainer({
      name: 'remora-x',
      image: 'app:1',
      labels: { 'remora.role': 'toolkit' },
      hostConfig: {},
    });
    expect(id).toBe('c1');
    expect(seen).toEqual(['POST /containers/create?name=remora-x']);
    expect(JSON.parse(bodies[0]!.body).Labels).toEqual({ 'ci.run': '1234', team: 'payments', 'remora.role': 'toolkit' });
  });

  it('reads KEY=VALUE pairs, and refuses anything else in one line', () => {
    expect(parseLabelList(undefined)).toEqual({});
    expect(parseLabelList(' ')).toEqual({});
    expect(parseLabelList('a=1,b.c=x=y,empty=')).toEqual({ a: '1', 'b.c': 'x=y', empty: '' });
    expect(() => parseLabelList('a=1,oops')).toThrow('REMORA_LABELS: "oops" is not KEY=VALUE');
    expect(() => parseLabelList('remora.role=toolkit')).toThrow("REMORA_LABELS: remora.role is one of remora's own labels");
  });
});
