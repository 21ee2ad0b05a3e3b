// What a toolkit container looks like for a target and a profile: pure, so the security-
// relevant choices (capabilities, namespaces, labels) are unit-tested without an engine.
import { LABEL, ROLE_TOOLKIT } from '../core/labels.js';
import { fingerprint } from '../core/fingerprint.js';
import type { Profile } from '../core/profiles.js';
import { formatToolkitLimits, type ToolkitLimits } from '../core/toolkit-limits.js';
import type { ContainerSpec } from '../engine/types.js';
import { CONTROL_MOUNT } from './control-dir.js';
import { KEEPER_COMMAND, KEEPER_SCRIPT_ENV, scriptCommand } from '../toolkit-scripts/scripts.js';

export interface ToolkitSpecInput {
  target: { id: string; name: string; pidMode: string; rootPid: number };
  profile: Profile;
  image: string;
  idleSeconds: number;
  limits: ToolkitLimits;
  /** Bound to one command (`--rm`): held by stdin, never reused. */
  ephemeral: boolean;
  shareIpc: boolean;
  createdBy: string;
  version: string;
  /** Random for ephemeral sessions; ignored otherwise. */
  nonce: string;
  /**
   * A one-shot toolkit: this command is its main process (no keeper), held by remora's
   * attach to its stdin. Implies ephemeral.
   */
  oneShot?: { cmd: string[]; env?: string[] };
  /**
   * A shared session's host directory for its control socket (control-dir.ts), mounted at
   * CONTROL_MOUNT; none for a remote engine or another image.
   */
  controlDir?: string;
}

/**
 * The PID the target's root filesystem is reached through. A target that runs in the
 * host's PID namespace has the host's init as PID 1, so its own main PID is used instead.
 * One that joined another container's (`--pid=container:X`) is not PID 1 there either,
 * and only the toolkit can tell its pid: 0 until the session has found it.
 */
export function targetRootPid(target: { pidMode: string; pid: number }): number {
  if (target.pidMode === 'host') return target.pid;
  return sharesContainerPidNamespace(target.pidMode) ? 0 : 1;
}

/**
 * Whose PID namespace the target runs in, when not its own: "the host's", "container X's";
 * undefined for a namespace of its own.
 */
export function sharedPidNamespace(pidMode: string, listing: ReadonlyArray<{ id: string; name: string }> = []): string | undefined {
  if (pidMode === 'host') return "the host's";
  if (!sharesContainerPidNamespace(pidMode)) return undefined;
  const other = pidMode.slice('container:'.length);
  const name = listing.find((c) => c.id === other || c.name === other)?.name ?? other.slice(0, 12);
  return `container ${name}'s`;
}

/** `--pid=container:X`: the target's PID 1 is X's main process, not its own. */
export function sharesContainerPidNamespace(pidMode: string): boolean {
  return pidMode.startsWith('container:');
}

/**
 * Shared sessions get a name derived from (target, profile, image): two commands racing to
 * create one collide on the name, and the loser reuses the winner's. The image is part of
 * it so that `--toolkit-image` gets a session of that image beside the default one.
 */
export function sessionId(input: Pick<ToolkitSpecInput, 'target' | 'profile' | 'image' | 'ephemeral' | 'nonce'>): string {
  if (input.ephemeral) return input.nonce;
  return fingerprint(`${input.target.id}/${input.profile.name}/${input.image}`).slice(0, 8);
}

export function toolkitName(targetName: string, id: string): string {
  // Container names allow [a-zA-Z0-9][a-zA-Z0-9_.-]; container names obey that, image names (acc/app:1.2) do not.
  return `remora-${targetName.replace(/[^a-zA-Z0-9_.-]/g, '-')}-${id}`;
}

export function buildToolkitSpec(input: ToolkitSpecInput): ContainerSpec {
  const { target, profile, oneShot } = input;
  const ephemeral = input.ephemeral || oneShot !== undefined;
  const id = sessionId({ ...input, ephemeral });
  const controlDir = ephemeral ? undefined : input.controlDir;
  const granted = profile.privileged ? 'ALL (privileged)' : profile.capabilities.join(',') || 'none';
  return {
    name: toolkitName(target.name, id),
    image: input.image,
    // A custom toolkit image (netshoot, busybox) may have an entrypoint of its own.
    entrypoint: [],
    // The keeper's script travels in the environment so `ps --all` shows a short command line.
    cmd: oneShot ? scriptCommand('one-shot', oneShot.cmd) : KEEPER_COMMAND,
    env: oneShot
      ? [`REMORA_TARGET_PID=${target.rootPid}`, `REMORA_TARGET_NAME=${target.name}`, ...(oneShot.env ?? [])]
      : [
          KEEPER_SCRIPT_ENV,
          `REMORA_IDLE_SECONDS=${input.idleSeconds}`,
          // The keeper finds the pid itself when the target shares another container's namespace.
          sharesContainerPidNamespace(target.pidMode) ? `REMORA_TARGET_ID=${target.id}` : `REMORA_TARGET_PID=${target.rootPid}`,
          `REMORA_TARGET_NAME=${target.name}`,
          ...(ephemeral ? ['REMORA_HOLD=stdin'] : []),
        ],
    labels: {
      [LABEL.role]: ROLE_TOOLKIT,
      [LABEL.target]: target.id,
      [LABEL.session]: id,
      [LABEL.profile]: profile.name,
      [LABEL.toolkitImage]: input.image,
      [LABEL.createdBy]: input.createdBy,
      [LABEL.version]: input.version,
      [LABEL.capabilities]: granted,
      [LABEL.idleSeconds]: String(input.idleSeconds),
      [LABEL.limits]: formatToolkitLimits(input.limits),
      ...(target.pidMode === 'host' || sharesContainerPidNamespace(target.pidMode)
        ? {}
        : { [LABEL.targetRootPid]: String(target.rootPid) }),
      ...(ephemeral ? { [LABEL.ephemeral]: 'true' } : {}),
      ...(controlDir ? { [LABEL.controlDir]: controlDir } : {}),
    },
    openStdin: ephemeral,
    hostConfig: {
      // The full ID: a name can be reused by another container between two calls.
      pidMode: `container:${target.id}`,
      networkMode: `container:${target.id}`,
      ...(input.shareIpc ? { ipcMode: `container:${target.id}` } : {}),
      capDrop: profile.privileged ? [] : ['ALL'],
      capAdd: profile.privileged ? [] : profile.capabilities,
      securityOpt: ['no-new-privileges'],
      privileged: profile.privileged,
      autoRemove: true,
      // What no target content may push past: a privileged toolkit is the user's choice of
      // trust, but its memory and pids are still bounded.
      memory: input.limits.memoryBytes,
      pidsLimit: input.limits.pids,
      ...(controlDir ? { mounts: [{ type: 'bind' as const, source: controlDir, target: CONTROL_MOUNT, readOnly: false }] } : {}),
    },
  };
}
