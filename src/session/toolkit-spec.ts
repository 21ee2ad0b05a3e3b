// What a toolkit container looks like for a target and a profile: pure, so the security-
// relevant choices (capabilities, namespaces, labels) are unit-tested without an engine.
import { LABEL, ROLE_TOOLKIT } from '../core/labels.js';
import { fingerprint } from '../core/fingerprint.js';
import type { Profile } from '../core/profiles.js';
import type { ContainerSpec } from '../engine/types.js';
import { KEEPER_LAUNCHER, KEEPER_SCRIPT } from './keeper-script.js';

export interface ToolkitSpecInput {
  target: { id: string; name: string; pidMode: string; rootPid: number };
  profile: Profile;
  image: string;
  idleSeconds: number;
  /** Bound to one command (`--rm`): held by stdin, never reused. */
  ephemeral: boolean;
  shareIpc: boolean;
  createdBy: string;
  version: string;
  /** Random for ephemeral sessions; ignored otherwise. */
  nonce: string;
  /** Extra labels (tests mark what they create). */
  extraLabels?: Record<string, string>;
}

/**
 * The PID the target's root filesystem is reached through. A target that runs in the
 * host's PID namespace has the host's init as PID 1, so its own main PID is used instead.
 */
export function targetRootPid(target: { pidMode: string; pid: number }): number {
  return target.pidMode === 'host' ? target.pid : 1;
}

/**
 * Shared sessions get a name derived from (target, profile): two commands racing to
 * create one collide on the name, and the loser reuses the winner's.
 */
export function sessionId(input: Pick<ToolkitSpecInput, 'target' | 'profile' | 'ephemeral' | 'nonce'>): string {
  if (input.ephemeral) return input.nonce;
  return fingerprint(`${input.target.id}/${input.profile.name}`).slice(0, 8);
}

export function toolkitName(targetName: string, id: string): string {
  // Container names allow [a-zA-Z0-9][a-zA-Z0-9_.-]; container names obey that, image names (acc/app:1.2) do not.
  return `remora-${targetName.replace(/[^a-zA-Z0-9_.-]/g, '-')}-${id}`;
}

export function buildToolkitSpec(input: ToolkitSpecInput): ContainerSpec {
  const { target, profile } = input;
  const id = sessionId(input);
  const granted = profile.privileged ? 'ALL (privileged)' : profile.capabilities.join(',') || 'none';
  return {
    name: toolkitName(target.name, id),
    image: input.image,
    // A custom toolkit image (netshoot, busybox) may have an entrypoint of its own.
    entrypoint: [],
    // The script travels in the environment so `ps --all` shows a short command line.
    cmd: ['/bin/sh', '-c', KEEPER_LAUNCHER, 'remora-keeper'],
    env: [
      `REMORA_KEEPER_SCRIPT=${KEEPER_SCRIPT}`,
      `REMORA_IDLE_SECONDS=${input.idleSeconds}`,
      `REMORA_TARGET_PID=${target.rootPid}`,
      `REMORA_TARGET_NAME=${target.name}`,
      ...(input.ephemeral ? ['REMORA_HOLD=stdin'] : []),
    ],
    labels: {
      ...input.extraLabels,
      [LABEL.role]: ROLE_TOOLKIT,
      [LABEL.target]: target.id,
      [LABEL.session]: id,
      [LABEL.profile]: profile.name,
      [LABEL.createdBy]: input.createdBy,
      [LABEL.version]: input.version,
      [LABEL.capabilities]: granted,
      [LABEL.idleSeconds]: String(input.idleSeconds),
      ...(target.pidMode === 'host' ? {} : { [LABEL.targetRootPid]: String(target.rootPid) }),
      ...(input.ephemeral ? { [LABEL.ephemeral]: 'true' } : {}),
    },
    openStdin: input.ephemeral,
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
    },
  };
}
