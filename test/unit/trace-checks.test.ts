import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoraError } from '../../src/core/errors.js';
import {
  attachedPid,
  describeLeftOut,
  describeUntraced,
  descendantsOf,
  explainAttachFailure,
  failedAttach,
  parseTaskTracers,
  refusedAttach,
  parseTraceProbe,
  planTrace,
  type TraceProbe,
  type TracedProcessFacts,
} from '../../src/core/trace-checks.js';
import { findOutsideTracers } from '../../src/ops/outside-tracer.js';
import { buildStraceArgs } from '../../src/ops/strace.js';
import { LineSplitter } from '../../src/ops/line-splitter.js';

const context = { targetName: 'app', profile: 'general' };
const GENERAL_CAPS = '00000000000c003f'; // what a general-profile toolkit has (SYS_PTRACE is bit 19)

function probe(processes: Array<Partial<TracedProcessFacts> & { pid: number }>, extra: Partial<TraceProbe> = {}): TraceProbe {
  return {
    straceFound: true,
    capEff: GENERAL_CAPS,
    seccomp: 2,
    processes: new Map(processes.map((p) => [p.pid, { ppid: 0, name: 'app', state: 'S', tracerPid: 0, toolkit: false, ...p }])),
    ...extra,
  };
}

function refusal(run: () => unknown): { code: string; message: string; hint?: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof RemoraError) return { code: error.code, message: error.message, hint: error.hint };
    throw error;
  }
  throw new Error('no refusal');
}

describe('parseTraceProbe (captured from a general-profile toolkit)', () => {
  const real = parseTraceProbe(readFileSync(new URL('../fixtures/proc-dumps/probe.dump', import.meta.url)));

  it('reads the toolkit facts and every process', () => {
    expect(real).toMatchObject({ straceFound: true, capEff: GENERAL_CAPS, seccomp: 2 });
    expect(real.yamaScope).toBeUndefined();
    expect(real.processes.get(39)).toEqual({ pid: 39, ppid: 33, name: 'sleep', state: 'Z', tracerPid: 0, toolkit: false });
    expect(
      [...real.processes.values()]
        .filter((p) => p.toolkit)
        .map((p) => p.pid)
        .sort((a, b) => a - b),
    ).toEqual([40, 67, 117]);
  });

  it('plans the main process with its live, untraced descendants', () => {
    expect(planTrace(real, { mainPid: 8 }, context)).toEqual([8, 14]);
    expect(planTrace(real, { mainPid: 33 }, context)).toEqual([33]); // 39 is a zombie
    expect(planTrace(real, { mainPid: 1, pids: [15, 27] }, context)).toEqual([15, 27]);
  });
});

describe('planTrace refusals', () => {
  it('a toolkit without strace', () => {
    expect(
      refusal(() => planTrace(probe([{ pid: 1 }], { straceFound: false }), { mainPid: 1 }, { ...context, toolkitImage: 'busybox:latest' })),
    ).toEqual({
      code: 'TOOL_MISSING',
      message: 'strace is not in the toolkit image busybox:latest',
      hint: "drop --toolkit-image to use Remora's own toolkit, or use an image that has strace",
    });
  });

  it('a pid that is not there, a toolkit pid, a zombie', () => {
    expect(refusal(() => planTrace(probe([{ pid: 1 }]), { mainPid: 1, pids: [42] }, context))).toMatchObject({
      code: 'PROCESS_NOT_FOUND',
      message: 'no process 42 in app',
    });
    expect(
      refusal(() => planTrace(probe([{ pid: 1 }, { pid: 30, name: 'sh', toolkit: true }]), { mainPid: 1, pids: [30] }, context)),
    ).toMatchObject({
      code: 'USAGE',
      message: "pid 30 (sh) is one of the toolkit's own processes, not app's: refusing to trace it",
    });
    expect(refusal(() => planTrace(probe([{ pid: 9, state: 'Z', name: 'sleep' }]), { mainPid: 1, pids: [9] }, context)).message).toBe(
      'pid 9 (sleep) has exited (a zombie waiting for its parent): there is nothing to trace',
    );
  });

  it('a process that already has a tracer, naming it', () => {
    const p = probe([
      { pid: 1, tracerPid: 50 },
      { pid: 50, name: 'gdb' },
    ]);
    expect(refusal(() => planTrace(p, { mainPid: 1 }, context))).toEqual({
      code: 'PTRACE_DENIED',
      message: 'pid 1 (app) is already traced by pid 50 (gdb): a process can have only one tracer',
      hint: 'stop the other tracer first (remora exec app -- kill 50)',
    });
  });

  it('the restricted profile (no SYS_PTRACE), and Yama at 3', () => {
    expect(
      refusal(() => planTrace(probe([{ pid: 1 }], { capEff: '0000000000000000' }), { mainPid: 1 }, { ...context, profile: 'restricted' })),
    ).toEqual({
      code: 'PTRACE_DENIED',
      message: 'the restricted profile has no SYS_PTRACE capability: it cannot trace',
      hint: 'use --profile general (the default), which adds SYS_PTRACE and nothing that reaches the host',
    });
    expect(refusal(() => planTrace(probe([{ pid: 1 }], { yamaScope: 3 }), { mainPid: 1 }, context)).message).toBe(
      'Yama forbids every ptrace on this host (kernel.yama.ptrace_scope = 3)',
    );
  });

  it('skips, by default, descendants that cannot be traced instead of refusing', () => {
    const p = probe([
      { pid: 1 },
      { pid: 7, ppid: 1 },
      { pid: 8, ppid: 1, tracerPid: 99 },
      { pid: 9, ppid: 7, state: 'Z' },
      { pid: 10, ppid: 7 },
    ]);
    expect(planTrace(p, { mainPid: 1 }, context)).toEqual([1, 7, 10]);
    expect(descendantsOf(p, 7).map((d) => d.pid)).toEqual([9, 10]);
  });
});

describe('explainAttachFailure', () => {
  const failed = 'strace: attach: ptrace(PTRACE_SEIZE, 1): Operation not permitted';

  it('blames seccomp when the toolkit has SYS_PTRACE and filters syscalls', () => {
    expect(explainAttachFailure(failed, probe([{ pid: 1 }]), context)?.message).toBe(
      "ptrace of pid 1 was denied although the toolkit has SYS_PTRACE: the toolkit's seccomp filter forbids it",
    );
  });

  it('names a tracer on the host, which the toolkit cannot see, instead of blaming seccomp', () => {
    const e = explainAttachFailure(failed, probe([{ pid: 1, name: 'app' }]), context, {
      outsideTracer: { pid: 4242, command: 'strace -p 901' },
    });
    expect(e?.message).toBe('pid 1 (app) is already traced by pid 4242 on the host (strace -p 901): a process can have only one tracer');
    expect(e?.hint).toBe("stop that tracer first (on the engine's host: kill 4242)");
    const unseen = explainAttachFailure(failed, probe([{ pid: 1, name: 'app' }]), context, { toolkitCanTrace: true });
    expect(unseen?.message).toBe(
      'pid 1 (app) could not be traced, though the toolkit can trace: another tracer outside the toolkit (strace or a debugger on the host) most likely holds it',
    );
    expect(unseen?.hint).not.toContain('sysadmin');
    // Only when the toolkit cannot trace at all is seccomp the cause.
    expect(explainAttachFailure(failed, probe([{ pid: 1 }]), context, { toolkitCanTrace: false })?.message).toContain(
      'seccomp filter forbids it',
    );
  });

  it('blames AppArmor when there is no seccomp filter and a confining profile', () => {
    const e = explainAttachFailure(failed, probe([{ pid: 1 }], { seccomp: 0, apparmor: 'docker-default (enforce)' }), context);
    expect(e?.message).toBe('ptrace of pid 1 was denied by the AppArmor profile docker-default');
  });

  it('blames the capability first, and reads a vanished process', () => {
    expect(explainAttachFailure(failed, probe([{ pid: 1 }], { capEff: '0' }), { ...context, profile: 'restricted' })?.code).toBe(
      'PTRACE_DENIED',
    );
    expect(explainAttachFailure('strace: attach: ptrace(PTRACE_SEIZE, 7): No such process', probe([]), context)).toMatchObject({
      code: 'PROCESS_NOT_FOUND',
    });
    expect(explainAttachFailure('strace: Process 1 attached', probe([]), context)).toBeUndefined();
  });
});

describe('a trace that leaves some out', () => {
  it("reads strace's attach notices, whatever their reason", () => {
    expect(attachedPid('strace: Process 7 attached')).toBe(7);
    expect(attachedPid('strace: Process 1 attached with 2 threads')).toBe(1);
    expect(attachedPid('strace: Process 7 detached')).toBeUndefined();
    expect(failedAttach('strace: attach: ptrace(PTRACE_SEIZE, 7): No such process')).toEqual({ pid: 7, reason: 'No such process' });
    expect(refusedAttach('strace: attach: ptrace(PTRACE_SEIZE, 7): No such process')).toBeUndefined();
    expect(refusedAttach('strace: attach: ptrace(PTRACE_SEIZE, 6): Operation not permitted')).toEqual({
      pid: 6,
      reason: 'Operation not permitted',
    });
  });

  it('says who holds each one, process or thread, in one line', () => {
    expect(
      describeUntraced({ id: 6, name: 'app', reason: 'Operation not permitted', tracer: { pid: 4242, command: 'strace -p 901' } }),
    ).toBe('pid 6 (app) is already traced by pid 4242 on the host (strace -p 901): not traced, the others are');
    expect(describeUntraced({ id: 9, threadOf: 1, name: 'app', tracer: { pid: 4242 } })).toBe(
      'thread 9 of pid 1 (app) is already traced by pid 4242 on the host: not traced, the others are',
    );
    expect(describeUntraced({ id: 6, reason: 'Operation not permitted' })).toBe(
      'pid 6 could not be traced (Operation not permitted), most likely held by a tracer outside the toolkit: not traced, the others are',
    );
    expect(describeLeftOut([{ id: 6 }])).toBe('the trace left out pid 6 (said above)');
    expect(describeLeftOut([{ id: 6 }, { id: 7 }, { id: 9, threadOf: 1 }])).toBe(
      'the trace left out pid 6, pid 7 and thread 9 of pid 1 (said above)',
    );
  });

  it("reads each thread's tracer as the toolkit sees it", () => {
    const grep = '/proc/1/task/1/status:TracerPid:\t31\n/proc/1/task/6/status:TracerPid:\t0\n/proc/7/task/7/status:TracerPid:\t31\n';
    expect(parseTaskTracers(grep)).toEqual([
      { pid: 1, tid: 1, tracerPid: 31 },
      { pid: 1, tid: 6, tracerPid: 0 },
      { pid: 7, tid: 7, tracerPid: 31 },
    ]);
  });
});

describe('findOutsideTracers (a host /proc laid out in a directory)', () => {
  const id = 'c0ffee'.repeat(10);
  let root: string;
  const task = (pid: number, tid: number, nsTid: number, tracer: number) => {
    mkdirSync(join(root, String(pid), 'task', String(tid)), { recursive: true });
    writeFileSync(join(root, String(pid), 'task', String(tid), 'status'), `Name:\tapp\nTracerPid:\t${tracer}\nNSpid:\t${tid}\t${nsTid}\n`);
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'remora-proc-'));
    // The target: main 100 (ns 1) with a thread 102 (ns 6, held by 900), child 101 (ns 7, held by 900).
    for (const pid of [100, 101]) {
      mkdirSync(join(root, String(pid)));
      writeFileSync(join(root, String(pid), 'cgroup'), `12:pids:/docker/${id}\n`);
    }
    task(100, 100, 1, 0);
    task(100, 102, 6, 900);
    task(101, 101, 7, 900);
    // The tracer, in another cgroup, and a process of another container with the same ns pid.
    mkdirSync(join(root, '900'));
    writeFileSync(join(root, '900', 'cgroup'), '12:pids:/user.slice\n');
    writeFileSync(join(root, '900', 'cmdline'), `${['strace', '-p', '101'].join('\0')}\0`);
    mkdirSync(join(root, '200'));
    writeFileSync(join(root, '200', 'cgroup'), '12:pids:/docker/other\n');
    task(200, 200, 7, 901);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("names the tracer of each of the target's pids and threads, by their ids in its namespace", async () => {
    const found = await findOutsideTracers(id, [1, 6, 7], root);
    expect(found.visible).toBe(true);
    expect(found.tracers).toEqual(
      new Map([
        [6, { pid: 900, command: 'strace -p 101' }],
        [7, { pid: 900, command: 'strace -p 101' }],
      ]),
    );
  });

  it('says when the target is not on this host', async () => {
    expect(await findOutsideTracers('absent', [1], root)).toEqual({ visible: false, tracers: new Map() });
  });
});

describe('buildStraceArgs', () => {
  it('follows children, passes expressions through, one -p per pid', () => {
    expect(buildStraceArgs([1, 7], { expressions: ['trace=%file', 'signal=none'], summary: true })).toEqual([
      '-f',
      '-c',
      '-e',
      'trace=%file',
      '-e',
      'signal=none',
      '-p',
      '1',
      '-p',
      '7',
    ]);
    expect(buildStraceArgs([3], { detailed: true, follow: false })).toEqual(['-tt', '-T', '-yy', '-p', '3']);
  });
});

describe('LineSplitter', () => {
  it('cuts lines across chunks and keeps UTF-8 characters whole', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    const bytes = Buffer.from('write(1, "\u00e9", 2) = 2\r\nclone(flags=SIGCHLD) = 9\ntail');
    splitter.push(bytes.subarray(0, 11)); // cuts the two-byte character in half
    splitter.push(bytes.subarray(11));
    splitter.end();
    expect(lines).toEqual(['write(1, "\u00e9", 2) = 2', 'clone(flags=SIGCHLD) = 9', 'tail']);
  });
});
