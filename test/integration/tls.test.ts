// Remora against a dockerd that speaks only TLS with client certificates (.ci/start-tls-dockerd
// on 127.0.0.1:2376, certificates in /var/lib/remora-ci/tls): docker's TLS flags and
// variables work, and each way TLS goes wrong is one line with its fix, exit 4.
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/create-engine.js';
import { remora, runLabel } from '../support/fixtures.js';

const CERTS = '/var/lib/remora-ci/tls';
const SOCKET = 'unix:///run/remora-ci/docker-tls.sock';
const HOST = 'tcp://127.0.0.1:2376';
const ca = join(CERTS, 'ca.pem');
const cert = join(CERTS, 'cert.pem');
const key = join(CERTS, 'key.pem');
const CLIENT = ['--tlsverify', '--tlscacert', ca, '--tlscert', cert, '--tlskey', key];
const EMPTY_LISTING = 'ID  NAME  IMAGE  STATE  USER  SHELL  SESSIONS\n';

async function tlsEngineAvailable(): Promise<boolean> {
  if (!existsSync(ca)) return false;
  return (await execa('docker', ['-H', SOCKET, 'version'], { reject: false })).exitCode === 0;
}

const available = await tlsEngineAvailable();
if (!available && process.env.CI)
  throw new Error('CI is set but the TLS dockerd does not answer: .ci/start-tls-dockerd should have started it');
if (!available) console.warn('[tls.test] skipped: no TLS dockerd on 127.0.0.1:2376 (run .ci/start-tls-dockerd)');

const servers: Array<http.Server | https.Server> = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listen(server: http.Server | https.Server): Promise<number> {
  server.on('connection', (socket: Socket) => sockets.push(socket));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const ENV = { DOCKER_HOST: '', DOCKER_CONTEXT: '', DOCKER_TLS_VERIFY: '', DOCKER_CERT_PATH: '', DOCKER_TLS: '' };

describe.skipIf(!available)('TLS engines', () => {
  it('--tlsverify with --tlscacert, --tlscert and --tlskey reaches the TLS engine', async () => {
    const result = await remora(['targets', '-H', HOST, ...CLIENT], { env: ENV });
    expect(result).toEqual({ exitCode: 0, stdout: EMPTY_LISTING, stderr: '' });
  });

  it('DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH do the same, as with the docker CLI', async () => {
    const result = await remora(['targets'], { env: { ...ENV, DOCKER_HOST: HOST, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: CERTS } });
    expect(result).toEqual({ exitCode: 0, stdout: EMPTY_LISTING, stderr: '' });
  });

  it('an import goes to the TLS engine, not to the DOCKER_HOST of the environment', async () => {
    const ref = `remora-test/tls-import:${runLabel()}`;
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'unix:///var/run/docker.sock';
    const engine = createEngine({ host: HOST, tlsverify: true, tlscacert: ca, tlscert: cert, tlskey: key });
    try {
      await engine.importImage(Readable.from([Buffer.alloc(1024)]), ref);
      const there = await execa('docker', ['-H', SOCKET, 'image', 'inspect', ref], { reject: false });
      expect(there.exitCode).toBe(0);
      const notHere = await execa('docker', ['image', 'inspect', ref], { reject: false });
      expect(notHere.exitCode).toBe(1);
    } finally {
      engine.dispose();
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
      await execa('docker', ['-H', SOCKET, 'rmi', ref], { reject: false });
    }
  });

  it('an engine certificate from another CA: says so, names the CA file, exit 4', async () => {
    const other = join(CERTS, 'other-ca.pem');
    const result = await remora(['targets', '-H', HOST, '--tlsverify', '--tlscacert', other, '--tlscert', cert, '--tlskey', key], {
      env: ENV,
    });
    expect(result).toEqual({
      exitCode: 4,
      stdout: '',
      stderr:
        `remora: the engine's certificate at ${HOST} (from --host) is not signed by a CA remora trusts (${other})\n` +
        "hint: pass the CA that signed the engine's certificate with --tlscacert, or put it at DOCKER_CERT_PATH/ca.pem\n",
    });
  });

  it('no client certificate for an engine that requires one: exit 4', async () => {
    const result = await remora(['targets', '-H', HOST, '--tlsverify', '--tlscacert', ca], { env: ENV });
    expect(result).toEqual({
      exitCode: 4,
      stdout: '',
      stderr:
        `remora: the engine at ${HOST} (from --host) requires a client certificate it trusts: remora had no client certificate to send\n` +
        'hint: pass your certificate and key with --tlscert and --tlskey (or cert.pem and key.pem in DOCKER_CERT_PATH), issued by the CA the engine trusts\n',
    });
  });

  it('plain HTTP to the TLS port: exit 4, pointing at --tlsverify', async () => {
    const result = await remora(['targets', '-H', HOST], { env: ENV });
    expect(result).toEqual({
      exitCode: 4,
      stdout: '',
      stderr:
        `remora: the engine at ${HOST} expects TLS, and remora spoke plain HTTP (from --host)\n` +
        "hint: pass --tlsverify with the engine's CA and your client certificate (--tlscacert, --tlscert, --tlskey, or DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH)\n",
    });
  });

  it('a name the engine certificate does not list: exit 4, with the names it lists', async () => {
    const result = await remora(['targets', '-H', 'tcp://localhost:2376', ...CLIENT], { env: ENV });
    expect(result).toEqual({
      exitCode: 4,
      stdout: '',
      stderr:
        "remora: the engine's certificate at tcp://localhost:2376 (from --host) is not for localhost: it names IP Address:127.0.0.1\n" +
        'hint: connect with a name or address the certificate lists, or reissue it with this one\n',
    });
  });

  it('TLS to a port that speaks plain HTTP: exit 4', async () => {
    const port = await listen(http.createServer((_request, response) => response.end('{}')));
    const address = `tcp://127.0.0.1:${port}`;
    const result = await remora(['targets', '-H', address, ...CLIENT], { env: ENV });
    expect(result).toEqual({
      exitCode: 4,
      stdout: '',
      stderr: `remora: the engine at ${address} (from --host) does not speak TLS\nhint: drop --tls/--tlsverify (and DOCKER_TLS_VERIFY), or use the engine's TLS port (usually 2376)\n`,
    });
  });

  it('an expired engine certificate: exit 4', async () => {
    const server = https.createServer(
      { cert: readFileSync(join(CERTS, 'expired-cert.pem')), key: readFileSync(join(CERTS, 'expired-key.pem')) },
      (_request, response) => response.end('[]'),
    );
    const address = `tcp://127.0.0.1:${await listen(server)}`;
    const result = await remora(['targets', '-H', address, ...CLIENT], { env: ENV });
    expect(result).toEqual({
      exitCode: 4,
      stdout: '',
      stderr: `remora: the engine's certificate at ${address} (from --host) has expired\nhint: renew the engine's certificate (and check this machine's clock)\n`,
    });
  });
});
