// Endpoints that are not container engines, as a user meets them: a web server answering
// 404 or HTML to everything, and one that accepts connections and never answers. Real
// sockets and the built CLI; the servers are fakes because the protocol is what is tested.
import { execa } from 'execa';
import http from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const REMORA_BIN = fileURLToPath(new URL('../../bin/remora', import.meta.url));

const servers: Array<http.Server | net.Server> = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  server.on('connection', (socket) => sockets.push(socket));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function remora(args: string[], env: Record<string, string> = {}): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return execa(REMORA_BIN, args, {
    reject: false,
    stdin: 'ignore',
    stripFinalNewline: false,
    env: { DOCKER_HOST: '', DOCKER_CONTEXT: '', ...env },
  }).then((r) => ({
    exitCode: r.exitCode ?? -1,
    stdout: String(r.stdout),
    stderr: String(r.stderr),
  }));
}

describe('an endpoint that is not a container engine', () => {
  it('answering 404 to everything: named, said not to be an engine, exit 4', async () => {
    const address = await serve((_request, response) => {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('404 page not found\n');
    });
    const result = await remora(['targets', '-H', address]);
    expect(result).toEqual({
      exitCode: 4,
      stdout: '',
      stderr: `remora: ${address} is not a container engine: it answered HTTP 404 (Not Found) to GET /containers/json (from --host)\nhint: point --host/DOCKER_HOST/--context at a Docker or Podman API\n`,
    });
  });

  it('answering a web page: the same line, exit 4', async () => {
    const address = await serve((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end('<html><body>hello</body></html>');
    });
    const result = await remora(['targets', '-H', address]);
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toBe(
      `remora: ${address} is not a container engine: it answered HTTP 200 (OK) to GET /containers/json (from --host)\nhint: point --host/DOCKER_HOST/--context at a Docker or Podman API\n`,
    );
  });

  it('accepting and never answering: the first request times out (REMORA_ENGINE_TIMEOUT), exit 4', async () => {
    const address = await serve(() => undefined);
    const result = await remora(['targets', '-H', address], { REMORA_ENGINE_TIMEOUT: '1s' });
    expect(result).toEqual({
      exitCode: 4,
      stdout: '',
      stderr:
        `remora: the container engine at ${address} accepted the connection but did not answer within 1 s (from --host)\n` +
        'hint: check that this address is a Docker or Podman API; for a slow engine raise REMORA_ENGINE_TIMEOUT (e.g. 30s)\n',
    });
  });

  it('accepting and never starting TLS: the same deadline covers the handshake', async () => {
    // A bare TCP listener: an HTTP server would answer the TLS hello with a 400.
    const silent = net.createServer((socket) => sockets.push(socket));
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = `tcp://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const result = await remora(['targets', '-H', address, '--tls'], { REMORA_ENGINE_TIMEOUT: '1s' });
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toMatch(
      new RegExp(`^remora: the container engine at ${address} accepted the connection but did not answer within 1 s`),
    );
  });

  it('refuses a REMORA_ENGINE_TIMEOUT that is not a duration, exit 2', async () => {
    const result = await remora(['targets', '-H', 'tcp://127.0.0.1:1'], { REMORA_ENGINE_TIMEOUT: 'soon' });
    expect(result).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'remora: REMORA_ENGINE_TIMEOUT="soon" is not a duration\nhint: write it like 10s or 1m\n',
    });
  });
});

describe('an engine whose answers hold terminal controls', () => {
  it('doctor shows its version strings escaped, never as escape sequences', async () => {
    const address = await serve((request, response) => {
      response.writeHead(request.url?.includes('/version') || request.url?.includes('/info') ? 200 : 404, {
        'Content-Type': 'application/json',
      });
      if (request.url?.includes('/version'))
        response.end(JSON.stringify({ Version: '20.10\u001b]0;owned\u0007', ApiVersion: '1.41', Os: 'linux\u001b[2J', Arch: 'amd64' }));
      else if (request.url?.includes('/info')) response.end('{}');
      else response.end('{"message":"no such thing"}');
    });
    const result = await remora(['doctor', '-H', address, '--toolkit-image', 'remora-test/none:1']);
    const engineLine = result.stdout.split('\n')[0];
    expect(engineLine).toBe(
      `ok    engine: Docker 20.10\\x1b]0;owned\\x07 (rootful), API 1.41, linux\\x1b[2J/amd64, at ${address} (from --host)`,
    );
    expect(result.stdout).not.toMatch(/\u001b/);
  });
});
