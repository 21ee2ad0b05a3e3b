// The host directories a shared session's control socket lives in (see control-exec.ts).
// Each is bind-mounted into its toolkit; they sit under one directory per user and engine,
// $TMPDIR/remora-<uid>/<engine>/, which only that user can enter (0700, checked, so no
// one else can plant a directory or a symlink there). A session's own directory is open
// (0777) so the toolkit's root reaches it whatever its capabilities or user namespace;
// the parent keeps everyone else out. A directory lives as long as its toolkit: remora
// removes it with the session, and the sweep removes those no toolkit names any more.
// A toolkit names its directory in a label (LABEL.controlDir).
import { lstatSync, mkdirSync, readdirSync, chmodSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LABEL } from '../core/labels.js';
import { randomSuffix } from '../core/fingerprint.js';
import type { ContainerSummary, Engine } from '../engine/types.js';

/** A shared session's control socket directory on this host, and the per-engine base it must sit in. */
export interface SessionControl {
  dir: string;
  base: string;
  /** The session was made by this command (its server is not running yet). */
  fresh?: boolean;
}

/** Where the toolkit sees the directory. */
export const CONTROL_MOUNT = '/run/remora-control';
export const CONTROL_SOCKET = 'control.sock';
/** Made by the remora that asks for the session's server: one request a session. */
const SERVER_REQUESTED = 'server.requested';
/** A directory younger than this may belong to a toolkit a concurrent command is creating. */
const SWEEP_GRACE_MS = 60_000;
/** sockaddr_un's limit, with room for the socket's own name. */
const MAX_DIR_LENGTH = 107 - CONTROL_SOCKET.length - 1;

/**
 * This user's directory for an engine, made if missing; undefined when it cannot be used
 * safely (not ours, open to others, not a directory) or at all.
 */
export function engineControlBase(
  engineAddress: string,
  base = join(tmpdir(), `remora-${process.getuid?.() ?? 'user'}`),
): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  try {
    mkdirSync(base, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
  }
  try {
    const stat = lstatSync(base);
    if (!stat.isDirectory() || stat.uid !== uid || (stat.mode & 0o077) !== 0) return undefined;
    const dir = join(base, engineKey(engineAddress));
    mkdirSync(dir, { mode: 0o700, recursive: true });
    return dir;
  } catch {
    return undefined;
  }
}

/** A short, stable name for an engine's address (FNV-1a: no crypto to load on a warm command). */
export function engineKey(address: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < address.length; i++) {
    hash ^= address.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** A new session's directory, or undefined when none can be made (the session then uses engine execs). */
export function makeControlDir(engineBase: string): string | undefined {
  const dir = join(engineBase, randomSuffix(16));
  if (dir.length > MAX_DIR_LENGTH) return undefined;
  try {
    mkdirSync(dir, { mode: 0o777 });
    chmodSync(dir, 0o777); // past the umask
    return dir;
  } catch {
    return undefined;
  }
}

export function controlSocketOf(dir: string): string {
  return join(dir, CONTROL_SOCKET);
}

/** Claims the start of a session's server: true for the one command that gets to ask for it. */
export function claimServerStart(dir: string): boolean {
  try {
    mkdirSync(join(dir, SERVER_REQUESTED));
    return true;
  } catch {
    return false;
  }
}

/** Removes a session's directory; only ever one under the base (a label could say anything). */
export function removeControlDir(dir: string, engineBase: string | undefined): void {
  if (engineBase === undefined || !isDirectChild(dir, engineBase)) return;
  rmSync(dir, { recursive: true, force: true });
}

/** Removes the directories of toolkits that are gone: none of `inUse`, and past the grace. */
export function sweepControlDirs(engineBase: string, inUse: ReadonlySet<string>, now = Date.now(), graceMs = SWEEP_GRACE_MS): void {
  let names: string[];
  try {
    names = readdirSync(engineBase);
  } catch {
    return;
  }
  for (const name of names) {
    const dir = join(engineBase, name);
    if (inUse.has(dir)) continue;
    try {
      if (now - statSync(dir).mtimeMs < graceMs) continue;
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Gone already, or another remora's sweep got there first.
    }
  }
}

function isDirectChild(dir: string, parent: string): boolean {
  const name = dir.slice(parent.length + 1);
  return dir.startsWith(`${parent}/`) && /^[A-Za-z0-9_-]+$/.test(name);
}

/**
 * This user's control directory base for the engine, when the engine runs on this host
 * (a unix socket): bind mounts of a remote engine name its host's files, not ours.
 */
export function localControlBase(engine: Pick<Engine, 'address'>): string | undefined {
  if (!engine.address.startsWith('unix://')) return undefined;
  // Checked once a process: a command asks for it when it opens a session, sweeps and removes toolkits.
  if (!checkedBases.has(engine.address)) checkedBases.set(engine.address, engineControlBase(engine.address));
  return checkedBases.get(engine.address);
}

const checkedBases = new Map<string, string | undefined>();

/** A shared toolkit's control directory, from its label, if it has one on this host. */
export function controlOf(toolkit: ContainerSummary | undefined, base: string | undefined): SessionControl | undefined {
  const dir = toolkit?.labels[LABEL.controlDir];
  return dir !== undefined && base !== undefined ? { dir, base } : undefined;
}

/**
 * Removes the control directories of this engine that no toolkit of the listing still
 * uses (the stale ones' included: those are being removed). Cheap: one readdir. A grace
 * of 0 is for when no command can be creating a session (the end of a test run).
 */
export function sweepControlDirsOf(
  engine: Pick<Engine, 'address'>,
  listing: ContainerSummary[],
  stale: ReadonlySet<string>,
  graceMs = SWEEP_GRACE_MS,
): void {
  const base = localControlBase(engine);
  if (base === undefined) return;
  const inUse = new Set<string>();
  for (const c of listing) {
    const dir = c.labels[LABEL.controlDir];
    if (dir !== undefined && !stale.has(c.id)) inUse.add(dir);
  }
  sweepControlDirs(base, inUse, Date.now(), graceMs);
}
