// Packet capture in a target's network namespace: `--profile netadmin` running the README's
// tcpdump example, and `remora capture` (pcap files and streams parsed by the test).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remora, remoraProcess, testEngine, type RunningTarget } from '../support/fixtures.js';
import { startForwardServer } from '../support/forward-server.js';

let engine: DockerEngine;
let app: RunningTarget;
let traffic: ReturnType<typeof remoraProcess>;

beforeAll(async () => {
  engine = testEngine();
  app = await startForwardServer(engine);
  // Traffic on the target's loopback for as long as the tests run: a request to its
  // service a few times a second, from a toolkit of its own (--rm: gone with the process).
  const loop = 'while :; do printf "SIZE 10\\n" | nc -q1 127.0.0.1 7000 >/dev/null; sleep 0.2; done';
  traffic = remoraProcess(['exec', '--rm', app.name, '--', 'sh', '-c', loop], { reject: false, stdin: 'ignore' });
});

afterAll(async () => {
  traffic?.kill('SIGKILL');
  await traffic;
  await app?.[Symbol.asyncDispose]();
  engine?.dispose();
});

describe('--profile netadmin', () => {
  it("runs the README's tcpdump example", async () => {
    const result = await remora(['exec', '--rm', '--profile', 'netadmin', app.name, '--', 'tcpdump', '-c', '4', '-i', 'any', 'port', '7000']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(4);
    expect(result.stdout).toMatch(/ > localhost\.7000: Flags \[S\]/);
    expect(result.stderr).toContain('4 packets captured');
  });
});
