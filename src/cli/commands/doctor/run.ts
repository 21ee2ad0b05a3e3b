// `remora doctor`: checks each thing Remora depends on, in order, with a remedy for each
// failure: the engine, the toolkit image, and a session per profile against a throwaway
// target of its own (so it never touches a real workload), tracing included.
import { randomBytes } from 'node:crypto';
import { EXIT, RemoraError } from '../../../core/errors.js';
import { LABEL } from '../../../core/labels.js';
import { splitDump } from '../../../core/proc-dump.js';
import { PROFILES, type Profile } from '../../../core/profiles.js';
import { terminalSafe } from '../../../core/target-text.js';
import { formatToolkitLimits, parseToolkitLimits } from '../../../core/toolkit-limits.js';
import { unfinishedWork } from '../../../core/before-exit.js';
import { createEngine } from '../../../engine/create-engine.js';
import { describeSshTransport } from '../../../engine/ssh-transport.js';
import type { Engine } from '../../../engine/types.js';
import { probeTrace } from '../../../ops/strace.js';
import { ensureToolkitImage } from '../../../session/toolkit-image.js';
import { scriptExec } from '../../../toolkit-scripts/scripts.js';
import { openSession, toTarget, type Target } from '../../../session/toolkit-session.js';
import { printJson } from '../../printers.js';
import { sayOnStderr, toolkitImageFrom } from '../../session-context.js';
import type { DoctorOptions } from './command.js';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  remedy?: string;
}

// What the toolkit may reach and is held to (toolkit-scripts/doctor-probe.sh), then a trace
// tried on the throwaway target. Yama, seccomp and AppArmor come from strace's own probe
// (probeTrace), read the same way here.
/**
 * With --json, one object at the end: `{ ok, checks: [{ name, ok, detail, remedy? }] }`,
 * the same checks the lines show, whatever the exit code.
 */
export async function doctorCommand(options: DoctorOptions): Promise<number> {
  const checks: Check[] = [];
  const report = (check: Check): void => {
    checks.push(check);
    if (options.json) return;
    // Details quote the engine's answers and the toolkit's output: shown, never acted on.
    process.stdout.write(`${check.ok ? 'ok  ' : 'FAIL'}  ${check.name}: ${terminalSafe(check.detail)}\n`);
    if (!check.ok && check.remedy) process.stdout.write(`      fix: ${terminalSafe(check.remedy)}\n`);
  };
  try {
    return await runChecks(options, report);
  } finally {
    if (options.json) printJson({ ok: checks.every((c) => c.ok), checks });
  }
}

async function runChecks(options: DoctorOptions, report: (check: Check) => void): Promise<number> {
  const engine = createEngine(options);
  try {
    try {
      const signal = AbortSignal.timeout(5000);
      const [version, rootless] = await Promise.all([engine.version(signal), engine.rootless(signal)]);
      const mode = rootless ? 'rootless' : 'rootful';
      report({
        name: 'engine',
        ok: true,
        detail: `${version.product} ${version.version} (${mode}), API ${version.apiVersion}, ${version.os}/${version.arch}, at ${engine.address} (from ${engine.endpoint.source})`,
      });
    } catch (error) {
      report({
        name: 'engine',
        ok: false,
        detail: (error as Error).message,
        remedy: 'start the engine or point --host/DOCKER_HOST/--context at it',
      });
      return EXIT.ENGINE;
    }
    let image: string;
    try {
      image = await ensureToolkitImage({ engine, image: toolkitImageFrom(options), say: sayOnStderr(options) });
      report({ name: 'toolkit image', ok: true, detail: image });
    } catch (error) {
      report({
        name: 'toolkit image',
        ok: false,
        detail: (error as Error).message,
        remedy: 'run `remora toolkit build`, or pass --toolkit-image',
      });
      return EXIT.ENGINE;
    }
    let failures = 0;
    const throwaway = await startThrowawayTarget(engine, image);
    try {
      // One inspect for all four profiles: the throwaway target does not change.
      const target = toTarget(await engine.inspectContainer(throwaway));
      for (const profile of Object.values(PROFILES)) {
        const check = await checkProfile(engine, target, profile, image, options);
        if (!check.ok) failures++;
        report(check);
      }
    } finally {
      await engine.removeContainer(throwaway);
    }
    if (engine.endpoint.kind === 'ssh') {
      // The sessions above brought the shared connection up; its forward is set up beside them.
      await unfinishedWork();
      report({ name: 'ssh', ok: true, detail: await describeSshTransport(engine.endpoint) });
    }
    return failures === 0 ? EXIT.OK : EXIT.FAILED;
  } finally {
    engine.dispose();
  }
}

async function startThrowawayTarget(engine: Engine, image: string): Promise<string> {
  const id = await engine.createContainer({
    name: `remora-doctor-${randomBytes(3).toString('hex')}`,
    image,
    entrypoint: [],
    cmd: ['sleep', '300'],
    labels: { [LABEL.demo]: 'doctor' },
    // Default capabilities, like the workloads people debug: a toolkit with fewer cannot
    // trace it, which is what the restricted profile's line should show.
    hostConfig: { autoRemove: true },
  });
  await engine.startContainer(id);
  return id;
}

async function checkProfile(engine: Engine, target: Target, profile: Profile, image: string, options: DoctorOptions): Promise<Check> {
  const name = `profile ${profile.name}`;
  try {
    await using session = await openSession(engine, target, [], {
      profile,
      image,
      idleSeconds: 60,
      limits: parseToolkitLimits(undefined, undefined),
      ephemeral: true,
      shareIpc: false,
      say: sayOnStderr({ ...options, quiet: true }),
    });
    const probe = scriptExec('doctor-probe', []);
    const [{ stdout }, trace] = await Promise.all([session.run(probe.cmd, { env: probe.env }), probeTrace(session)]);
    const facts: Record<string, string> = Object.fromEntries(splitDump(stdout).map((record) => [record.path.slice(1), record.content]));
    facts.yama = trace.yamaScope === undefined ? 'absent' : String(trace.yamaScope);
    facts.seccomp = trace.seccomp === undefined ? '' : String(trace.seccomp);
    facts.apparmor = trace.apparmor ?? 'none';
    const detail = `session starts; target root ${facts.root ?? '?'}; ptrace ${facts.ptrace?.split(' ')[0] ?? '?'}; yama ${facts.yama ?? '?'}; seccomp ${facts.seccomp ?? '?'}; apparmor ${facts.apparmor ?? '?'}; limits ${enforcedLimits(facts)}`;
    if (profile.name === 'restricted')
      return { name, ok: true, detail: `${detail} (as expected: no capabilities, so no target root and no tracing)` };
    if (profile.name === 'capture') {
      // Capture only: tcpdump opens a packet socket for a second, and SIGTERM ends it cleanly.
      // To stdout, as `remora capture` writes: a file (even /dev/null) is chowned, which
      // rootless Podman's /dev/null, owned by an unmapped user, refuses.
      const tcpdump = await session.run([
        'timeout',
        '--preserve-status',
        '-s',
        'TERM',
        '1',
        'tcpdump',
        '-Z',
        'root',
        '-i',
        'lo',
        '-w',
        '-',
      ]);
      const ok = tcpdump.exitCode === 0;
      const why =
        tcpdump.stderr
          .split('\n')
          .filter((l) => l.startsWith('tcpdump:') && !/data link type|listening on/.test(l))
          .pop() ?? `status ${tcpdump.exitCode}`;
      return {
        name,
        ok,
        detail: ok
          ? 'session starts; packet capture ok (no target root, no tracing: as expected)'
          : `session starts; packet capture failed: ${why}`,
        remedy: ok ? undefined : 'the engine does not grant NET_RAW/NET_ADMIN to containers here',
      };
    }
    const ok = facts.root === 'ok' && facts.ptrace === 'ok';
    return {
      name,
      ok,
      detail,
      remedy: ok
        ? undefined
        : facts.yama === '3'
          ? 'kernel.yama.ptrace_scope=3 forbids ptrace entirely; set it to 1 or lower (sysctl) and reboot'
          : "ptrace is blocked: check the engine's seccomp/AppArmor policy, or try --profile sysadmin",
    };
  } catch (error) {
    const remora = error instanceof RemoraError ? error : undefined;
    return {
      name,
      ok: false,
      detail: `cannot start a session: ${(error as Error).message}`,
      remedy: remora?.hint ?? 'run with --debug for details',
    };
  }
}

/** "512MiB/1024 pids" as the toolkit's cgroup enforces them, or what is missing. */
function enforcedLimits(facts: Record<string, string>): string {
  const memory = Number(facts.memory);
  const pids = Number(facts.pids);
  // cgroup v1 reports "no limit" as a huge number, v2 as "max".
  const memoryKnown = Number.isSafeInteger(memory) && memory > 0 && memory < 2 ** 50;
  const pidsKnown = Number.isSafeInteger(pids) && pids > 0;
  if (memoryKnown && pidsKnown) return formatToolkitLimits({ memoryBytes: memory, pids });
  return `${memoryKnown ? formatToolkitLimits({ memoryBytes: memory, pids: 0 }).split('/')[0] : 'memory not enforced'}/${pidsKnown ? `${pids} pids` : 'pids not enforced'}`;
}
