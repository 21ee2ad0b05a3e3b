// Builds, pulls and imports (dockerode) against a fake engine on a unix socket: they reach
// the endpoint Remora chose over its own client's connections, whatever DOCKER_HOST says,
// and an answer that fails inside a 200 stream, or as an HTTP error, fails the call. The
// server is a fake because what is tested is the protocol dockerode and Remora speak.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RemoraError } from '../../src/core/errors.js';
import { DockerEngine } from '../../src/engine/docker-engine.js';

interface Seen {
  method: string;
  url: string;
  body: Buffer;
}
type Answer = (request: Seen, response: http.ServerResponse) => void;

const scratch = mkdtempSync(join(tmpdir(), 'remora-dockerode-'));
const socketPath = join(scratch, 'engine.sock');
const seen: Seen[] = [];
const connections: Socket[] = [];
let answer: Answer = (_request, response) => response.end();
const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const entry = { method: request.method ?? '', url: request.url ?? '', body: Buffer.concat(chunks) };
    seen.push(entry);
    response.setHeader('Api-Version', '1.41');
    answer(entry, response);
  });
});
server.on('connection', (socket) => connections.push(socket));

const savedEnv = {
  DOCKER_HOST: process.env.DOCKER_HOST,
  DOCKER_CERT_PATH: process.env.DOCKER_CERT_PATH,
  DOCKER_TLS_VERIFY: process.env.DOCKER_TLS_VERIFY,
};
let engine: DockerEngine;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  // What docker-modem would read on its own: another engine, and certificates that are not there.
  Object.assign(process.env, { DOCKER_HOST: 'tcp://127.0.0.1:1', DOCKER_CERT_PATH: join(scratch, 'no-certs'), DOCKER_TLS_VERIFY: '1' });
});
afterAll(async () => {
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await new Promise((resolve) => server.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});
afterEach(() => {
  engine.dispose();
  seen.length = 0;
  for (const socket of connections.splice(0)) socket.destroy();
});

function newEngine(): DockerEngine {
  engine = new DockerEngine({ kind: 'unix', address: `unix://${socketPath}`, source: '--host', socketPath });
  return engine;
}

function jsonLines(...events: object[]): string {
  return events.map((event) => `${JSON.stringify(event)}\n`).join('');
}

describe('builds, pulls and imports through dockerode', () => {
  it('an import goes to the chosen engine, whole reference as repo, on the connection of the calls before it', async () => {
    answer = (request, response) => {
      if (request.url.startsWith('/images/create')) response.end(jsonLines({ status: 'sha256:0123' }));
      else response.end(JSON.stringify({ Config: { Labels: null } }));
    };
    const remora = newEngine();
    expect(await remora.imageLabels('busybox:1')).toEqual({});
    await remora.importImage(Readable.from([Buffer.from('the tar')]), 'remora-test/imported:v2');
    expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET /images/busybox%3A1/json',
      'POST /images/create?repo=remora-test%2Fimported%3Av2&fromSrc=-',
    ]);
    expect(seen[1]?.body.toString()).toBe('the tar');
    // One keep-alive connection carried both: dockerode rode Remora's own agent.
    expect(connections).toHaveLength(1);
  });

  it('a build reports its progress and fails on an error inside the 200 stream', async () => {
    answer = (_request, response) =>
      response.end(
        jsonLines(
          { stream: 'Step 1/2 : FROM scratch\n' },
          { stream: 'Step 2/2 : RUN false\n' },
          { errorDetail: { message: 'the command returned a non-zero code: 1' }, error: 'the command returned a non-zero code: 1' },
        ),
      );
    const progress: string[] = [];
    const failure = await newEngine()
      .buildImage(
        Readable.from([Buffer.from('context')]),
        { tag: 'remora-test/built:1', buildArgs: { BASE: 'local/base' }, labels: { 'remora.test': 'yes' } },
        (line) => progress.push(line),
      )
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(RemoraError);
    expect(failure).toMatchObject({ code: 'OPERATION_FAILED', message: 'the command returned a non-zero code: 1' });
    expect(progress).toEqual(['Step 1/2 : FROM scratch', 'Step 2/2 : RUN false']);
    const query = new URL(seen[0]?.url ?? '', 'http://x').searchParams;
    expect(Object.fromEntries(query)).toEqual({
      t: 'remora-test/built:1',
      buildargs: '{"BASE":"local/base"}',
      labels: '{"remora.test":"yes"}',
      rm: 'true',
      forcerm: 'true',
    });
  });

  it("a pull the engine refuses with an HTTP error: the engine's own message", async () => {
    answer = (_request, response) => {
      response.writeHead(404, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ message: 'pull access denied for remora-test/nowhere, repository does not exist' }));
    };
    const failure = await newEngine()
      .pullImage('remora-test/nowhere:1')
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toMatchObject({
      code: 'ENGINE_ERROR',
      message: 'the engine refused: pull access denied for remora-test/nowhere, repository does not exist',
    });
    expect(seen.map((request) => request.url)).toEqual(['/images/create?fromImage=remora-test%2Fnowhere&tag=1']);
  });

  it('a progress stream cut short fails rather than passing for a success', async () => {
    answer = (_request, response) => {
      response.write(jsonLines({ status: 'Pulling fs layer' }));
      setImmediate(() => response.socket?.destroy());
    };
    const failure = await newEngine()
      .pullImage('remora-test/cut:1')
      .then(
        () => 'resolved',
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(RemoraError);
    expect(failure).toMatchObject({ code: 'ENGINE_UNREACHABLE' });
  });

  it('an engine that is not there: the same one line as every other call', async () => {
    const missing = join(scratch, 'missing.sock');
    engine = new DockerEngine({ kind: 'unix', address: `unix://${missing}`, source: '--host', socketPath: missing });
    const failure = await engine.pullImage('remora-test/any:1').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({
      code: 'ENGINE_UNREACHABLE',
      message: `cannot reach the container engine at unix://${missing} (no such socket; from --host)`,
    });
  });
});
