// `remora net` on a real target: the app's listening port with its pid, listening first,
// connections with their owners, and the same from a busybox-only toolkit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SocketInfo } from '../../src/core/socket-types.js';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remoraProcess, remora, startTarget, testEngine, type RunningTarget } from '../support/fixtures.js';
import { ensureBusyboxToolkit } from '../support/toolkit-probes.js';
import { waitFor } from '../support/wait-for.js';

let engine: DockerEngine;
let app: RunningTarget;

beforeAll(async () => {
  engine = testEngine();
  app = await startTarget(engine, 'distroless', { env: ['CHILDREN=1'] });
});

afterAll(async () => {
  await app?.[Symbol.asyncDispose]();
  engine?.dispose();
});

async function netJson(args: string[]): Promise<SocketInfo[]> {
  const result = await remora(['net', ...args, '--json']);
  expect(result).toMatchObject({ exitCode: 0, stderr: '' });
  return JSON.parse(result.stdout) as SocketInfo[];
}

describe('remora net', () => {
  it("shows port 8080 listening, owned by the app's pid", async () => {
    const sockets = await netJson([app.name]);
    expect(sockets[0]).toMatchObject({
      protocol: 'tcp',
      state: 'LISTEN',
      local: '0.0.0.0:8080',
      localPort: 8080,
      pid: 1,
      process: 'app',
      uid: 65532,
    });
    const table = await remora(['net', app.name]);
    expect(table.stdout.split('\n')[0]).toMatch(/^PROTO\s+STATE\s+LOCAL\s+PEER\s+PID\s+PROCESS$/);
    expect(table.stdout.split('\n')[1]).toMatch(/^tcp\s+LISTEN\s+0\.0\.0\.0:8080\s+\*\s+1\s+app$/);
  });

  it('lists listeners first, then connections with both ends and their owners', async () => {
    // A listener and a client that never sends, both in a toolkit of their own (--rm: killing
    // remora removes it with everything it runs).
    // The client connects only once the listener answers: a refused first attempt inside
    // `sleep | nc` would leave the shell waiting for that sleep.
    const script = 'nc -dlk 127.0.0.1 9999 >/dev/null & until nc -z 127.0.0.1 9999; do sleep 0.1; done; sleep 1000 | nc 127.0.0.1 9999';
    const client = remoraProcess(['exec', '--rm', app.name, '--', 'sh', '-c', script], { reject: false });
    try {
      const sockets = await waitFor(
        async () => {
          const list = await netJson([app.name]);
          // Processes born during a listing can show no name yet ("?"): wait for both ends.
          const named = (s: SocketInfo): boolean => s.process === 'nc [toolkit]';
          const ready =
            list.some((s) => s.state === 'ESTABLISHED' && s.peerPort === 9999 && named(s)) &&
            list.some((s) => s.state === 'ESTABLISHED' && s.localPort === 9999 && named(s)) &&
            list.some((s) => s.state === 'LISTEN' && s.localPort === 9999 && named(s));
          return ready ? list : undefined;
        },
        { what: 'an established connection to 9999' },
      );
      const states = sockets.filter((s) => s.protocol !== 'unix').map((s) => s.state);
      expect(states.lastIndexOf('LISTEN')).toBeLessThan(states.indexOf('ESTABLISHED'));
      expect(sockets).toContainEqual(expect.objectContaining({ state: 'LISTEN', local: '127.0.0.1:9999', process: 'nc [toolkit]' }));
      const out = sockets.find((s) => s.state === 'ESTABLISHED' && s.peerPort === 9999)!;
      const back = sockets.find((s) => s.state === 'ESTABLISHED' && s.localPort === 9999)!;
      expect(out).toMatchObject({ local: `127.0.0.1:${back.peerPort}`, peer: '127.0.0.1:9999', process: 'nc [toolkit]' });
      expect(back.pid).not.toBe(out.pid);
      expect(sockets[0]).toMatchObject({ local: '0.0.0.0:8080', process: 'app' });
    } finally {
      client.kill('SIGKILL');
      await client;
    }
  });

  it('works with a busybox-only toolkit image', async () => {
    const image = await ensureBusyboxToolkit(engine, app);
    const sockets = await netJson([app.name, '--toolkit-image', image, '--rm']);
    expect(sockets[0]).toMatchObject({ protocol: 'tcp', state: 'LISTEN', localPort: 8080, pid: 1, process: 'app' });
  });
});
