// Targets with no process to join: an exited (or never started) container, or an image.
// Remora debugs them through a stand-in; this says what the user is looking at and how a
// stand-in mounts what the original had. Pure.

/** What a stand-in stands in for. */
export type PostMortemSource =
  | { kind: 'container'; id: string; name: string; status: string; exitCode: number; finishedAt: string }
  | { kind: 'image'; id: string; name: string };

/** "2m", "3h", "5d": how long ago, coarse, as docker ps says it. */
export function formatAgo(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** Its state in a few words: `exited 2m ago (code 3)`, `created, never started`, `an image`. */
export function postMortemState(source: PostMortemSource, nowMs: number): string {
  if (source.kind === 'image') return 'an image';
  if (source.status === 'created') return 'created, never started';
  const finished = Date.parse(source.finishedAt);
  const ago = Number.isFinite(finished) && finished > 0 ? ` ${formatAgo((nowMs - finished) / 1000)} ago` : '';
  return `${source.status === 'dead' ? 'dead' : 'exited'}${ago} (code ${source.exitCode})`;
}

/** One line on what the files of a stand-in are, e.g. `exited 2m ago (code 3) — files as it left them; tmpfs contents are gone`. */
export function describePostMortem(source: PostMortemSource, nowMs: number): string {
  const state = postMortemState(source, nowMs);
  if (source.kind === 'image') return `${state}, never run — its files as built`;
  if (source.status === 'created') return `${state} — the files of its image`;
  return `${state} — files as it left them; tmpfs contents are gone`;
}

export interface OriginalMount {
  type: string;
  source: string;
  destination: string;
  readWrite: boolean;
  name?: string;
}

export interface StandInMount {
  type: 'volume' | 'bind' | 'tmpfs';
  source?: string;
  target: string;
  readOnly: boolean;
}

/**
 * The original's volumes and binds, read-only unless `rwVolumes`, and its tmpfs mounts
 * empty (their contents died with it). A named volume that no longer exists is left out
 * (the engine would create an empty one): the caller says so.
 */
export function standInMounts(
  mounts: OriginalMount[],
  tmpfs: Record<string, string>,
  options: { rwVolumes: boolean; volumeExists: (name: string) => boolean },
): { mounts: StandInMount[]; missingVolumes: OriginalMount[] } {
  const out: StandInMount[] = [];
  const missingVolumes: OriginalMount[] = [];
  for (const mount of mounts) {
    const readOnly = !mount.readWrite || !options.rwVolumes;
    if (mount.type === 'volume' && mount.name) {
      if (options.volumeExists(mount.name)) out.push({ type: 'volume', source: mount.name, target: mount.destination, readOnly });
      else missingVolumes.push(mount);
    } else if (mount.type === 'bind') {
      out.push({ type: 'bind', source: mount.source, target: mount.destination, readOnly });
    } else if (mount.type === 'tmpfs') {
      out.push({ type: 'tmpfs', target: mount.destination, readOnly: false });
    }
  }
  for (const destination of Object.keys(tmpfs)) {
    if (!out.some((m) => m.target === destination)) out.push({ type: 'tmpfs', target: destination, readOnly: false });
  }
  return { mounts: out, missingVolumes };
}

/** The message for commands that need a running process (ps, proc, net, strace). */
export function noProcessMessage(source: PostMortemSource, nowMs: number): { message: string; hint: string } {
  const state = postMortemState(source, nowMs);
  return {
    message: `${source.name} ${source.kind === 'image' ? 'is ' : ''}${state}: no process is running`,
    hint: `trace it from its first instruction with \`remora strace --from-start ${source.name}\`; its files: remora exec, shell, cp, attach`,
  };
}
