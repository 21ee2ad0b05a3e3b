// `remora ps` against real shell-less targets: users from the target's passwd, hundreds of
// processes in one exec, %CPU over a sample, the toolkit's own processes kept apart, and
// the same listing from a busybox-only toolkit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remoraProcess, remora, startTarget, testEngine, type RunningTarget } from '../support/fixtures.js';
import { countExecs, ensureBusyboxToolkit, toolkitOf } from '../support/toolkit-probes.js';
import { waitFor } from '../support/wait-for.js';

interface PsRow {
  pid: number;
  ppid: number;
  user: string;
  uid: number;
  state: string;
  cpu: number;
  rssKiB: number;
  threads: number;
  startedAt: string;
  command: string;
  toolkit?: boolean;
}

let engine: DockerEngine;
let distroless: RunningTarget;

beforeAll(async () => {
  engine = testEngine();
  distroless = await startTarget(engine, 'distroless', { env: ['CHILDREN=2'] });
});

afterAll(async () => {
  await distroless?.[Symbol.asyncDispose]();
  engine?.dispose();
});

async function psJson(args: string[]): Promise<PsRow[]> {
  const result = await remora(['ps', ...args, '--json']);
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  return JSON.parse(result.stdout) as PsRow[];
}

describe('remora ps', () => {
  it("names a distroless target's nonroot user from its own /etc/passwd", async () => {
    const rows = await waitFor(
      async () => {
        const list = await psJson([distroless.name]);
        return list.length === 3 ? list : undefined;
      },
      { what: 'the app and its 2 children' },
    );
    expect(rows.map((r) => [r.pid, r.ppid, r.user, r.uid, r.command])).toEqual([
      [1, 0, 'nonroot', 65532, '/app'],
      [rows[1]!.pid, 1, 'nonroot', 65532, '/app'],
      [rows[2]!.pid, 1, 'nonroot', 65532, '/app'],
    ]);
    const main = rows[0]!;
    expect(Object.keys(main)).toEqual(['pid', 'ppid', 'user', 'uid', 'state', 'cpu', 'rssKiB', 'threads', 'startedAt', 'command']);
    expect(main.rssKiB).toBeGreaterThan(0);
    expect(main.threads).toBe(1);
    // Started when docker says the container started, to within a clock tick and rounding.
    const started = Date.parse((await engine.inspectContainer(distroless.id)).state.startedAt);
    expect(Math.abs(Date.parse(main.startedAt) - started)).toBeLessThan(1500);
  });

  it('prints a table and a tree', async () => {
    const table = await remora(['ps', distroless.name]);
    expect(table.exitCode).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PID\s+PPID\s+USER\s+STATE\s+%CPU\s+RSS\s+THREADS\s+ELAPSED\s+COMMAND$/);
    expect(lines[1]).toMatch(/^1\s+0\s+nonroot\s+\S\s+\d+\.\d\s+\S+\s+1\s+\S+\s+\/app$/);
    const tree = await remora(['ps', distroless.name, '--tree']);
    expect(tree.stdout).toMatch(/ ├─ \/app\n.* └─ \/app\n$/);
  });

  it('nests children in --tree --json', async () => {
    const result = await remora(['ps', distroless.name, '--tree', '--json']);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    type Node = PsRow & { children: Node[] };
    const roots = JSON.parse(result.stdout) as Node[];
    expect(roots.map((r) => [r.pid, r.user, r.children.map((c) => [c.ppid, c.command, c.children])])).toEqual([
      [
        1,
        'nonroot',
        [
          [1, '/app', []],
          [1, '/app', []],
        ],
      ],
    ]);
  });

  it("keeps the toolkit's processes out unless --all, and marks them then", async () => {
    const plain = await psJson([distroless.name]);
    expect(plain.length).toBeGreaterThan(0);
    expect(plain.every((r) => r.user === 'nonroot')).toBe(true);
    const all = await psJson([distroless.name, '--all']);
    const toolkit = all.filter((r) => r.toolkit);
    expect(toolkit.some((r) => r.command.includes('remora-keeper'))).toBe(true);
    expect(toolkit.some((r) => r.command.includes('remora-ps'))).toBe(true);
    expect(all.filter((r) => !r.toolkit).map((r) => r.pid)).toEqual(plain.map((r) => r.pid));
    const table = await remora(['ps', distroless.name, '--all']);
    expect(table.stdout).toMatch(/\[toolkit\] .*remora-keeper/);
  });

  it('lists 300 children with one command in the toolkit', async () => {
    await using crowded = await startTarget(engine, 'scratch', { env: ['CHILDREN=300'] });
    await waitFor(async () => (await psJson([crowded.name])).length === 301, { timeoutMs: 60_000, what: '301 processes' });
    const execs = await countExecs(engine, await toolkitOf(engine, crowded), async () => {
      const rows = await psJson([crowded.name]);
      expect(rows).toHaveLength(301);
      expect(rows.filter((r) => r.ppid === 1 && r.command === '/app')).toHaveLength(300);
      expect(rows.every((r) => r.user === 'root')).toBe(true);
    });
    // One engine exec of remora-ps, or none once the session's control server runs it (its
    // own start, asked for by the first reuse, may fall in the window too).
    const commands = execs.filter((e) => !e.startsWith('exec_create: /opt/remora/bin/remora-serve '));
    expect(commands.length).toBeLessThanOrEqual(1);
    for (const command of commands) expect(command).toContain('remora-ps');
  });

  it('measures %CPU over a sample with --interval: a spinning thread shows, sleepers do not', async () => {
    await using spinning = await startTarget(engine, 'scratch', { env: ['SPIN=1', 'CHILDREN=1'] });
    const rows = await waitFor(
      async () => {
        const list = await psJson([spinning.name, '--sort', 'cpu', '--interval', '1s']);
        return list.length === 2 && list[0]!.threads === 2 ? list : undefined;
      },
      { what: 'the spinner thread' },
    );
    // A core's worth over the process life would also be ~100: what tells a sample apart is
    // the sleeping child at exactly 0, and the spinner above it even on a machine shared by
    // twenty busy processes per core (then it gets a few %, not ~100).
    expect(rows[0]!.pid).toBe(1);
    expect(rows[0]!.cpu).toBeGreaterThan(1);
    expect(rows[1]!.cpu).toBe(0);
  });

  it("measures %CPU over each process's life by default, as ps does: a sleeper that once worked still shows it", async () => {
    // Busy for a moment, then asleep (exec keeps the pid and its CPU time).
    const holder = remoraProcess(
      [
        'exec',
        distroless.name,
        '--',
        'bash',
        '-c',
        'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; exec -a worked-then-slept sleep 300',
      ],
      { reject: false },
    );
    try {
      const row = await waitFor(
        async () => (await psJson([distroless.name, '--all'])).find((r) => r.command.startsWith('worked-then-slept')),
        { what: 'the sleeper' },
      );
      expect(row.cpu).toBeGreaterThan(0);
      // Over a sample it sleeps: 0.
      const sampled = (await psJson([distroless.name, '--all', '--interval', '200ms'])).find((r) => r.pid === row.pid);
      expect(sampled?.cpu).toBe(0);
    } finally {
      holder.kill('SIGKILL');
      await holder;
      await remora(['exec', distroless.name, '--', 'pkill', '-f', '^worked-then-slept']);
    }
  });

  it('refuses an --interval that is not a short duration, in one line', async () => {
    const result = await remora(['ps', distroless.name, '--interval', '2h']);
    expect(result).toMatchObject({
      exitCode: 2,
      stdout: '',
      stderr:
        'remora: --interval 2h is longer than 60s\nhint: sample for a few seconds at most; `remora attach` refreshes %CPU continuously\n',
    });
  });

  it('keeps an argv with quotes, backslashes, newlines and non-ASCII exact', async () => {
    const title = 'quo"te \\back\nline naïve';
    const holder = remoraProcess(['exec', distroless.name, '--', 'bash', '-c', 'exec -a "$1" sleep 300', 'bash', title], { reject: false });
    try {
      const row = await waitFor(async () => (await psJson([distroless.name, '--all'])).find((r) => r.command.startsWith('quo')), {
        what: 'the oddly named sleep',
      });
      expect(row.command).toBe(`${title} 300`);
      expect(row.toolkit).toBe(true);
    } finally {
      holder.kill('SIGKILL');
      await holder;
      await remora(['exec', distroless.name, '--', 'pkill', '-f', '^quo']);
    }
  });

  it('lists correctly while processes start and exit during the listing', async () => {
    // Short-lived processes, started as fast as a shell can for a few seconds, in the
    // target's PID namespace. The loop ends by itself: killing it would orphan a child into
    // the target, whose PID 1 never reaps.
    const churn = remoraProcess(
      ['exec', distroless.name, '--', 'sh', '-c', 'end=$(($(date +%s) + 6)); while [ "$(date +%s)" -lt "$end" ]; do /bin/true; done'],
      { reject: false },
    );
    try {
      await waitFor(async () => (await psJson([distroless.name, '--all'])).some((r) => r.command.includes('while [')), {
        what: 'the churning shell',
      });
      for (let round = 0; round < 5; round++) {
        const rows = await psJson([distroless.name, '--all']);
        expect(rows.map((r) => r.pid)).toEqual([...new Set(rows.map((r) => r.pid))].sort((a, b) => a - b));
        expect(rows.find((r) => r.pid === 1)?.command).toBe('/app');
        for (const row of rows) expect(row.cpu).toBeGreaterThanOrEqual(0);
      }
    } finally {
      // Whatever happened above, the loop ends by itself: wait for it, never kill it.
      expect((await churn).exitCode).toBe(0);
    }
  });

  it('refuses an unknown sort key before touching the engine', async () => {
    const result = await remora(['ps', distroless.name, '--sort', 'colour']);
    expect(result).toMatchObject({
      exitCode: 2,
      stdout: '',
      stderr: 'remora: cannot sort by "colour"\nhint: sort by one of: pid, cpu, rss, name, started\n',
    });
  });

  it('works with a busybox-only toolkit image', async () => {
    const image = await ensureBusyboxToolkit(engine, distroless);
    const rows = await psJson([distroless.name, '--toolkit-image', image, '--rm']);
    expect(rows.map((r) => [r.ppid, r.user, r.command])).toEqual([
      [0, 'nonroot', '/app'],
      [1, 'nonroot', '/app'],
      [1, 'nonroot', '/app'],
    ]);
  });
});
