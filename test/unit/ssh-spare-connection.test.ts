// The ssh agent keeps one connection open ahead of need: a request made while every
// connection is busy goes out on one that is already there, instead of waiting for a new
// `ssh … docker system dial-stdio` to start. A fake `ssh` on PATH stands in for OpenSSH: it
// connects its stdin and stdout to a local HTTP server, which numbers the connections.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../src/engine/endpoint.js';
import { sha256Hex } from '../../src/core/fingerprint.js';
import { sshAgent } from '../../src/engine/ssh-transport.js';
import { waitFor } from '../support/wait-for.js';

const FAKE_SSH = `#!/usr/bin/env node
// Connections only: the forward's setup (docker context inspect, -O forward) finds no master.
if (process.argv[process.argv.length - 1] !== 'dial-stdio') process.exit(255);
require('node:fs').appendFileSync(process.env.FAKE_SSH_LOG, process.pid + '\\n');
const socket = require('node:net').connect(process.env.FAKE_SSH_SOCKET);
process.stdin.pipe(socket);
socket.pipe(process.stdout);
socket.on('close', () => process.exit(0));
process.stdin.on('end', () => socket.end());
`;

let dir: string;
let server: http.Server;
let savedPath: string | undefined;
let accepted = 0;
/** Which connection (numbered as accepted) carried each request. */
const carriedBy = new Map<string, number>();
let releaseSlow: () => void = () => undefined;
/** /after-two is answered once this many connections were accepted. */
let answerAfter = 0;

const endpoint: Endpoint = { kind: 'ssh', address: 'ssh://fake', source: '--host', host: 'fake', ssh: { host: 'fake' } };
const spawned = (): number => readFileSync(join(dir, 'ssh.log'), 'utf8').split('\n').filter(Boolean).length;

function get(agent: http.Agent, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ agent, path, host: 'localhost' }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (text: string) => (body += text));
        response.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'remora-ssh-spare-'));
  writeFileSync(join(dir, 'ssh'), FAKE_SSH);
  chmodSync(join(dir, 'ssh'), 0o755);
  writeFileSync(join(dir, 'ssh.log'), '');
  server = http.createServer((request, response) => {
    carriedBy.set(request.url ?? '', (request.socket as unknown as { number: number }).number);
    if (request.url === '/slow') releaseSlow = () => response.end('slow');
    else if (request.url === '/after-two')
      void waitFor(() => accepted >= answerAfter, { timeoutMs: 4000 }).then(
        () => response.end(String(accepted)),
        () => response.end('0'),
      );
    else response.end('fast');
  });
  server.on('connection', (socket) => Object.assign(socket, { number: ++accepted }));
  await new Promise<void>((resolve) => server.listen(join(dir, 'engine.sock'), resolve));
  savedPath = process.env.PATH;
  process.env.PATH = `${dir}:${savedPath ?? ''}`;
  process.env.FAKE_SSH_LOG = join(dir, 'ssh.log');
  process.env.FAKE_SSH_SOCKET = join(dir, 'engine.sock');
});

afterAll(async () => {
  process.env.PATH = savedPath;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('the ssh agent', () => {
  it('has a connection open before a request finds every other one busy', async () => {
    const agent = sshAgent(endpoint, { batchMode: true, controlDir: join(dir, 'control') });
    try {
      expect(await get(agent, '/first')).toBe('fast');
      // Once the first connection has reached the engine, a spare joins it.
      await waitFor(() => accepted === 2, { what: 'a spare connection', timeoutMs: 4000 });
      expect(spawned()).toBe(2);

      // /slow holds the first connection; /second needs another: it takes the spare.
      const slow = get(agent, '/slow');
      await waitFor(() => carriedBy.has('/slow'), { what: '/slow to reach the server', timeoutMs: 4000 });
      expect(await get(agent, '/second')).toBe('fast');
      expect(carriedBy.get('/slow')).toBe(1);
      expect(carriedBy.get('/second')).toBe(2);
      // And the spare taken is replaced.
      await waitFor(() => accepted === 3, { what: 'a new spare connection', timeoutMs: 4000 });
      releaseSlow();
      expect(await slow).toBe('slow');
    } finally {
      agent.destroy();
    }
  });

  it("starts the spare beside the first connection when an earlier command's master answers", async () => {
    const master = net.createServer((socket) => socket.destroy());
    const address = 'ssh://fake-with-master';
    const controlDir = join(dir, 'control-with-master');
    mkdirSync(controlDir, { mode: 0o700 });
    await new Promise<void>((resolve) => master.listen(join(controlDir, `${sha256Hex(address).slice(0, 16)}-0123abcd`), resolve));
    const agent = sshAgent({ ...endpoint, address }, { batchMode: true, controlDir });
    const before = accepted;
    answerAfter = before + 2;
    try {
      // The server answers this only once a second connection is there: before the answer, no
      // spare would be opened without a master to join.
      expect(Number(await get(agent, '/after-two'))).toBeGreaterThanOrEqual(before + 2);
    } finally {
      agent.destroy();
      await new Promise((resolve) => master.close(resolve));
    }
  });
});
