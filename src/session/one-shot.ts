// One-shot commands (`remora exec --rm T -- CMD` with nothing to feed it): CMD is the
// toolkit container's own process, as `docker run --rm` runs its command: create, attach,
// wait, start; no keeper and no exec. The container is auto-removed when CMD ends, and
// remora's attach to its stdin is what keeps CMD alive: when remora goes (SIGKILL
// included), remora-run in the toolkit kills CMD (toolkit-image/helpers/remora-run.c).
import { REMORA_VERSION } from '../core/version.js';
import { randomSuffix } from '../core/fingerprint.js';
import type { ContainerAttach, Engine, ExecHandle } from '../engine/types.js';
import { targetExited } from './session-watch.js';
import { buildToolkitSpec } from './toolkit-spec.js';
import { createWithImage, createdBy, explainStartFailure, requireRunning, type SessionOptions, type Target } from './toolkit-session.js';

export interface OneShotOptions extends Omit<SessionOptions, 'idleSeconds' | 'ephemeral'> {
  cmd: string[];
  env?: string[];
}

/** Starts CMD as a one-shot toolkit; the handle's exitCode is CMD's, once the toolkit is gone. */
export async function startOneShot(engine: Engine, target: Target, options: OneShotOptions): Promise<ExecHandle> {
  requireRunning(target);
  if (options.profile.warning) options.say(`warning: ${options.profile.warning}`);
  const spec = buildToolkitSpec({
    target: { id: target.id, name: target.name, pidMode: target.pidMode, rootPid: target.rootPid },
    profile: options.profile,
    image: options.image,
    idleSeconds: 0,
    limits: options.limits,
    ephemeral: true,
    shareIpc: options.shareIpc,
    createdBy: createdBy(),
    version: REMORA_VERSION,
    nonce: randomSuffix(8),
    oneShot: { cmd: options.cmd, env: options.env },
  });

  const { id } = await createWithImage(engine, options, async () => ({ id: await engine.createContainer(spec), joined: false }));

  // Attached and waited on before the start, so neither output nor the exit is missed. The
  // exit code is the next exit's (Podman 4 answers 0 to a wait for the removal); remora
  // returns once the toolkit is removed too, as `docker run --rm` does.
  const attaching = engine.attachContainer(id, { stdin: true });
  const exiting = engine.waitContainer(id, 'next-exit');
  const removing = engine.waitContainer(id, 'removed');
  let attach: ContainerAttach;
  let exit: Promise<number>;
  let removed: Promise<unknown>;
  try {
    attach = await attaching;
    exit = (await exiting).exitCode;
    removed = (await removing).exitCode.catch(() => undefined);
    await engine.startContainer(id);
  } catch (error) {
    void attaching.then(
      (held) => held.release(),
      () => undefined,
    );
    exiting.catch(() => undefined);
    removing.catch(() => undefined);
    await engine.removeContainer(id).catch(() => undefined);
    throw explainStartFailure(error, target);
  }
  const { stdout, stderr, done, release } = attach;
  let released = false;
  const exitCode = Promise.all([done, removed])
    .then(() => exit)
    .then(async (code) => {
      // Killed with the target's PID namespace: say so, as a session's command does (exit 3),
      // not a bare 137. A command remora itself ended (stdout closed) is not asked about.
      if (code < 128 || released) return code;
      const death = await targetDeath(engine, target.id);
      if (death) throw targetExited(target.name, death.exitCode);
      return code;
    });
  exitCode.catch(() => undefined);
  const close = (): void => {
    released = true;
    release();
  };
  // Its exit status comes with the container's end, which is waited for anyway.
  return { stdout, stderr, stdin: null, resize: async () => undefined, exitCode, close, detach: close };
}

/** How long the engine may take to record the target's end after its namespace took CMD down. */
const TARGET_RECORD_GRACE_MS = 500;
const TARGET_RECORD_POLL_MS = 100;

/** The target's exit, when it is no longer running (looked at for a short while). */
async function targetDeath(engine: Engine, targetId: string): Promise<{ exitCode?: number } | undefined> {
  for (let waited = 0; ; waited += TARGET_RECORD_POLL_MS) {
    const details = await engine.inspectContainer(targetId).catch(() => undefined);
    if (!details || !details.state.running) return { exitCode: details?.state.exitCode };
    if (waited >= TARGET_RECORD_GRACE_MS) return undefined;
    await new Promise((resolve) => setTimeout(resolve, TARGET_RECORD_POLL_MS));
  }
}
