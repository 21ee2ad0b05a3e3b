// `remora port-forward` against a target whose service listens on 127.0.0.1 only: what a
// user checks with curl and a hash, plus the edges (reset, refused, port in use, Ctrl-C,
// target stopping). Clients are Node sockets in the test; the server is server.c.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remora, remoraProcess, testEngine, type RunningTarget } from '../support/fixtures.js';
import { SERVER_PORT, exchange, expectedPattern, startForwardServer } from '../support/forward-server.js';
import { waitFor } from '../support/wait-for.js';

let engine: DockerEngine;
let app: RunningTarget;

beforeAll(async () => {
  engine = testEngine();
  app = await startForwardServer(engine);
});

afterAll(async () => {
  await app?.[Symbol.asyncDispose]();
  engine?.dispose();
});

type Forwarder = ReturnType<typeof startForwarder>;

/** Starts `remora port-forward`, and waits for its "Forwarding from" lines. */
function startForwarder(args: string[]) {
  const child = remoraProcess(['port-forward', ...args], { reject: false, stdin: 'ignore', buffer: false });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ports = async (count: number): Promise<number[]> =>
    waitFor(
      () => {
        const found = [...stdout.matchAll(/^Forwarding from 127\.0\.0\.1:(\d+) -> \d+$/gm)].map((m) => Number(m[1]));
        if (child.exitCode !== null) throw new Error(`port-forward exited ${child.exitCode}: ${stderr}`);
        return found.length >= count ? found : undefined;
      },
      { what: 'the Forwarding lines', timeoutMs: 60_000 },
    );
  return { child, ports, output: () => ({ stdout, stderr }) };
}

async function relaysInToolkit(): Promise<string> {
  const result = await remora(['exec', app.name, '--', 'pgrep', '-a', '-x', 'remora-relay']);
  return result.stdout.trim();
}

describe('remora port-forward', () => {
  let forwarder: Forwarder;
  let port: number;
  let refusedPort: number;

  beforeAll(async () => {
    // :7000 on a free local port; :9 where nothing listens in the target.
    forwarder = startForwarder([app.name, `:${SERVER_PORT}`, ':9']);
    [port, refusedPort] = (await forwarder.ports(2)) as [number, number];
  });

  afterAll(async () => {
    forwarder?.child.kill('SIGINT');
    await forwarder?.child;
  });

  it('reaches a port the target binds to 127.0.0.1 only', async () => {
    const reply = await exchange(port, 'SIZE 1000\n');
    expect(reply.ending).toBe('end');
    expect(reply.data.equals(expectedPattern(1000))).toBe(true);
    expect(forwarder.output().stdout).toMatch(/^Forwarding from 127\.0\.0\.1:\d+ -> 7000\nForwarding from 127\.0\.0\.1:\d+ -> 9\n$/);
  });

  it('honours a client half-close: the reply still arrives', async () => {
    const reply = await exchange(port, 'ECHO\nhello, half-closed world', { halfClose: true });
    expect(reply.data.toString()).toBe('got 24\nhello, half-closed world');
    expect(reply.ending).toBe('end');
  });

  it('carries 20 connections at once, each its own', async () => {
    const payloads = Array.from({ length: 20 }, (_, i) => `client ${i} ${String(i % 10).repeat(2000 + i)}`);
    const replies = await Promise.all(payloads.map((payload) => exchange(port, `ECHO\n${payload}`, { halfClose: true })));
    replies.forEach((reply, i) => expect(reply.data.toString()).toBe(`got ${payloads[i]!.length}\n${payloads[i]}`));
  });

  it('delivers a 50 MB response intact', async () => {
    const size = 50 * 1024 * 1024;
    const reply = await exchange(port, `SIZE ${size}\n`);
    expect(reply.data.length).toBe(size);
    const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
    expect(sha(reply.data)).toBe(sha(expectedPattern(size)));
  });

  it('passes a reset on to the client and keeps serving', async () => {
    const reset = await exchange(port, 'RESET\n');
    expect(reset.ending).toBe('ECONNRESET');
    await waitFor(() => /connection from 127\.0\.0\.1:\d+ to port 7000: reset by the remote side\n/.test(forwarder.output().stderr), {
      what: 'the reset line',
    });
    const after = await exchange(port, 'SIZE 10\n');
    expect(after.data.equals(expectedPattern(10))).toBe(true);
  });

  it('resets the client when nothing listens on the remote port, and keeps serving', async () => {
    const refused = await exchange(refusedPort, 'hello');
    expect(refused.ending).toBe('ECONNRESET');
    await waitFor(
      () => /connection from 127\.0\.0\.1:\d+ to port 9: connect to 127\.0\.0\.1:9: Connection refused\n/.test(forwarder.output().stderr),
      { what: 'the refused line' },
    );
    const after = await exchange(port, 'SIZE 10\n');
    expect(after.data.equals(expectedPattern(10))).toBe(true);
    expect(forwarder.child.exitCode).toBeNull();
  });
});

describe('remora port-forward edges', () => {
  it('refuses a local port already in use: exit 1, one line', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const taken = (busy.address() as { port: number }).port;
    try {
      const result = await remora(['port-forward', app.name, `${taken}:${SERVER_PORT}`]);
      expect(result).toEqual({
        exitCode: 1,
        stdout: '',
        stderr: `remora: local port 127.0.0.1:${taken} is already in use\nhint: pick another local port (LOCAL:${SERVER_PORT}), or :${SERVER_PORT} for a free one\n`,
      });
    } finally {
      busy.close();
    }
  });

  it('rejects a malformed port with a usage error', async () => {
    const result = await remora(['port-forward', app.name, '80:http']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      'remora: "80:http" is not a port to forward\nhint: write LOCAL:REMOTE, PORT, :REMOTE or ADDRESS:LOCAL:REMOTE, e.g. 8080:80\n',
    );
  });

  it('Ctrl-C closes open connections and leaves no relay in the toolkit', async () => {
    const forwarder = startForwarder([app.name, `:${SERVER_PORT}`]);
    const [port] = (await forwarder.ports(1)) as [number];
    // Held connections: the server would keep them open for ever.
    const held = Array.from({ length: 3 }, () => exchange(port, 'HOLD\n'));
    await waitFor(async () => (await relaysInToolkit()).split('\n').filter(Boolean).length === 3, { what: 'three relays running' });
    forwarder.child.kill('SIGINT');
    const result = await forwarder.child;
    expect(result.exitCode).toBe(0);
    for (const connection of await Promise.all(held)) expect(connection.data.toString()).toBe('held\n');
    await waitFor(async () => (await relaysInToolkit()) === '', { what: 'no relay left in the toolkit' });
  });

  it('a killed remora leaves no relay either: each one ends with its exec stream', async () => {
    const forwarder = startForwarder([app.name, `:${SERVER_PORT}`]);
    const [port] = (await forwarder.ports(1)) as [number];
    const held = Array.from({ length: 2 }, () => exchange(port, 'HOLD\n'));
    await waitFor(async () => (await relaysInToolkit()).split('\n').filter(Boolean).length === 2, { what: 'two relays running' });
    forwarder.child.kill('SIGKILL');
    await forwarder.child;
    await Promise.all(held);
    await waitFor(async () => (await relaysInToolkit()) === '', { what: 'no relay left in the toolkit' });
  });

  it('ends with exit 3 and a clear line when the target stops', async () => {
    await using doomed = await startForwardServer(engine);
    const forwarder = startForwarder([doomed.name, `:${SERVER_PORT}`]);
    const [port] = (await forwarder.ports(1)) as [number];
    expect((await exchange(port, 'SIZE 5\n')).data.length).toBe(5);
    await engine.removeContainer(doomed.id);
    const result = await forwarder.child;
    expect(result.exitCode).toBe(3);
    expect(forwarder.output().stderr).toMatch(
      new RegExp(`remora: ${doomed.name} stopped( \\(exit code \\d+\\))?; port forwarding ended\\n$`),
    );
  });

  it('works for a target without network (--network none): its loopback is still there', async () => {
    await using isolated = await startForwardServer(engine, { networkNone: true });
    const forwarder = startForwarder([isolated.name, `:${SERVER_PORT}`]);
    try {
      const [port] = (await forwarder.ports(1)) as [number];
      expect((await exchange(port, 'SIZE 100\n')).data.equals(expectedPattern(100))).toBe(true);
    } finally {
      forwarder.child.kill('SIGTERM');
      expect((await forwarder.child).exitCode).toBe(0);
    }
  });
});
