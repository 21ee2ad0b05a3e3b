// Packet capture in a target's network namespace: `--profile netadmin` running the README's
// tcpdump example, and `remora capture` (pcap files and streams parsed by the test).
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remora, remoraProcess, testEngine, type RunningTarget } from '../support/fixtures.js';
import { startForwardServer } from '../support/forward-server.js';
import { parsePcap, tcpPorts } from '../support/pcap.js';
import { waitFor } from '../support/wait-for.js';

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
    const result = await remora([
      'exec',
      '--rm',
      '--profile',
      'netadmin',
      app.name,
      '--',
      'tcpdump',
      '-c',
      '4',
      '-i',
      'any',
      'port',
      '7000',
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(4);
    expect(result.stdout).toMatch(/ > localhost\.7000: Flags \[S\]/);
    expect(result.stderr).toContain('4 packets captured');
  });
});

describe('remora capture', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'remora-capture-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes COUNT packets matching the filter to a complete pcap file', async () => {
    const file = join(dir, 'count.pcap');
    const result = await remora(['capture', app.name, '-c', '6', '-w', file, 'tcp', 'dst', 'port', '7000']);
    expect(result).toEqual({ exitCode: 0, stdout: '', stderr: `remora: 6 packets captured to ${file}\n` });
    const pcap = parsePcap(readFileSync(file));
    expect(pcap.linkType).toBe(276);
    expect(pcap.packets).toHaveLength(6);
    // The server's replies (source port 7000) flow too; the filter kept them out.
    for (const packet of pcap.packets) expect(tcpPorts(packet)?.destination).toBe(7000);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('streams valid pcap to stdout with -w -, and cuts packets at -s', async () => {
    const result = await remoraProcess(['capture', app.name, '-c', '3', '-s', '60', '-w', '-', 'tcp', 'port', '7000'], {
      reject: false,
      stdin: 'ignore',
      encoding: 'buffer',
      stripFinalNewline: false,
    });
    expect(result.exitCode).toBe(0);
    expect(Buffer.from(result.stderr as Uint8Array).toString()).toBe('remora: 3 packets captured to stdout\n');
    const pcap = parsePcap(Buffer.from(result.stdout as Uint8Array));
    expect(pcap.packets).toHaveLength(3);
    expect(pcap.snaplen).toBe(60);
    for (const packet of pcap.packets) expect(packet.capturedLength).toBeLessThanOrEqual(60);
  });

  it('stops at Ctrl-C with the file complete and no temporary left', async () => {
    const file = join(dir, 'interrupted.pcap');
    const child = remoraProcess(['capture', app.name, '-w', file, 'tcp', 'port', '7000'], {
      reject: false,
      stdin: 'ignore',
      stripFinalNewline: false,
    });
    // Packets are on their way once the temporary holds more than the 24-byte header.
    await waitFor(() => readdirSync(dir).some((f) => f.startsWith('.interrupted.pcap.') && statSync(join(dir, f)).size > 24), {
      what: 'captured packets',
    });
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(0);
    const pcap = parsePcap(readFileSync(file));
    expect(pcap.packets.length).toBeGreaterThan(0);
    expect(result.stderr).toBe(`remora: ${pcap.packets.length} packet${pcap.packets.length === 1 ? '' : 's'} captured to ${file}\n`);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('stops after --duration', async () => {
    const file = join(dir, 'timed.pcap');
    const result = await remora(['capture', app.name, '--duration', '1s', '-w', file]);
    expect(result.exitCode).toBe(0);
    // What it holds depends on the traffic of that second (none, on a loaded machine):
    // the file is whole, and the count said is the count written.
    const pcap = parsePcap(readFileSync(file));
    expect(result.stderr).toBe(`remora: ${pcap.packets.length} packet${pcap.packets.length === 1 ? '' : 's'} captured to ${file}\n`);
  });

  it("gives tcpdump's refusal of a filter and exit 2, and leaves no file", async () => {
    const file = join(dir, 'bad.pcap');
    const result = await remora(['capture', app.name, '-w', file, 'port', 'nonsense']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      "remora: tcpdump: unknown port 'nonsense'\nhint: check the filter (pcap-filter(7) syntax) and -i (remora exec TARGET -- ip link lists the interfaces)\n",
    );
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('.bad'))).toEqual([]);
  });

  it('runs in a toolkit of its own profile with NET_RAW, NET_ADMIN and SETGID only', async () => {
    await remora(['capture', app.name, '-c', '1', '-w', join(dir, 'one.pcap')]);
    const toolkits = await engine.listContainers({ labels: [`remora.target=${app.id}`, 'remora.profile=capture'] });
    expect(toolkits).toHaveLength(1);
    expect(toolkits[0]!.labels['remora.capabilities']).toBe('NET_RAW,NET_ADMIN,SETGID');
  });

  it('takes the toolkit limits the other commands take (--toolkit-memory, --toolkit-pids)', async () => {
    const result = await remora([
      'capture',
      '--rm',
      '--toolkit-memory',
      '96m',
      '--toolkit-pids',
      '64',
      app.name,
      '-c',
      '1',
      '-w',
      join(dir, 'limited.pcap'),
    ]);
    expect(result.exitCode).toBe(0);
    expect(await remora(['capture', '--toolkit-memory', '1m', app.name, '-w', join(dir, 'never.pcap')])).toMatchObject({
      exitCode: 2,
      stderr: expect.stringContaining('remora: --toolkit-memory 1m is too small for a toolkit\n'),
    });
  });

  it('ends with exit 3 and a complete file when the target stops', async () => {
    await using doomed = await startForwardServer(engine);
    const file = join(dir, 'doomed.pcap');
    const child = remoraProcess(['capture', doomed.name, '-w', file], { reject: false, stdin: 'ignore', stripFinalNewline: false });
    // Its toolkit running tcpdump means the capture is on.
    await waitFor(
      async () => (await remora(['exec', '--profile', 'capture', doomed.name, '--', 'pgrep', '-x', 'tcpdump'])).exitCode === 0,
      { what: 'tcpdump running' },
    );
    await engine.removeContainer(doomed.id);
    const result = await child;
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(
      new RegExp(`^remora: ${doomed.name} stopped( \\(exit code \\d+\\))?; capture ended with \\d+ packets? in ${file}\\n$`),
    );
    parsePcap(readFileSync(file));
  });
});
