// What a `<target>` names: a live container (joined as it is), or something with no
// process to join — an exited or never-started container, or a local image — which is
// debugged through a stand-in (stand-in.ts). A container always wins over an image of the
// same name; `image:` forces an image.
import { RemoraError } from '../core/errors.js';
import { explainNotUsable, resolveTarget } from '../core/target-resolution.js';
import { archRuns } from '../core/elf.js';
import type { ContainerDetails, ContainerSummary, Engine } from '../engine/types.js';
import { postMortemFromContainer, postMortemFromImage, type PostMortemTarget } from './stand-in.js';
import { targetFromListing, toTarget, type Target } from './toolkit-session.js';

export type TargetLookup = { kind: 'live'; target: Target } | { kind: 'post-mortem'; postMortem: PostMortemTarget };

export const IMAGE_PREFIX = 'image:';

export async function lookUpTarget(engine: Engine, query: string, listing: ContainerSummary[]): Promise<TargetLookup> {
  if (query.startsWith(IMAGE_PREFIX)) {
    const ref = query.slice(IMAGE_PREFIX.length);
    const image = ref ? await engine.inspectImage(ref) : null;
    if (!image)
      throw new RemoraError('TARGET_NOT_FOUND', `no image named "${ref}"`, {
        hint: 'docker images lists the local images (Remora never pulls one)',
      });
    return { kind: 'post-mortem', postMortem: postMortemFromImage(ref, image) };
  }
  let match: ContainerSummary;
  try {
    match = resolveTarget(query, listing, { allowStopped: true });
  } catch (error) {
    if (!(error instanceof RemoraError) || error.code !== 'TARGET_NOT_FOUND') throw error;
    const image = await engine.inspectImage(query);
    if (!image)
      throw new RemoraError('TARGET_NOT_FOUND', `no container or image named "${query.replace(/^\//, '')}"`, { hint: error.hint });
    return { kind: 'post-mortem', postMortem: postMortemFromImage(query, image) };
  }
  if (match.state === 'running' || match.state === 'paused') {
    return { kind: 'live', target: targetFromListing(match, listing) ?? toTarget(await engine.inspectContainer(match.id)) };
  }
  const details = await engine.inspectContainer(match.id);
  switch (details.state.status) {
    case 'running':
    case 'paused':
      return { kind: 'live', target: toTarget(details) };
    case 'created':
    case 'exited':
    case 'dead':
      return { kind: 'post-mortem', postMortem: await containerPostMortem(engine, details) };
    default:
      throw explainNotUsable({ ...match, state: details.state.status });
  }
}

/**
 * What `strace --from-start` runs: any container (running, restarting or exited: its files
 * as they are now, as a restart would see them) or an image.
 */
export async function lookUpProgramSource(engine: Engine, query: string, listing: ContainerSummary[]): Promise<PostMortemTarget> {
  if (query.startsWith(IMAGE_PREFIX)) {
    const found = await lookUpTarget(engine, query, listing);
    if (found.kind === 'post-mortem') return found.postMortem;
  }
  let match: ContainerSummary;
  try {
    match = resolveTarget(query, listing, { allowStopped: true });
  } catch (error) {
    if (!(error instanceof RemoraError) || error.code !== 'TARGET_NOT_FOUND') throw error;
    const found = await lookUpTarget(engine, query, listing);
    if (found.kind === 'post-mortem') return found.postMortem;
    throw error;
  }
  return containerPostMortem(engine, await engine.inspectContainer(match.id));
}

/** A container as a stand-in's source, with its image's architecture (unknown once the image is gone). */
async function containerPostMortem(engine: Engine, details: ContainerDetails): Promise<PostMortemTarget> {
  const image = await engine.inspectImage(details.imageId).catch(() => null);
  const postMortem = postMortemFromContainer(details);
  return image?.architecture ? { ...postMortem, architecture: image.architecture } : postMortem;
}

/**
 * The image's architecture and the engine's when they differ (its programs cannot run
 * here: exec format error), else undefined.
 */
export async function foreignArchitecture(
  engine: Engine,
  postMortem: PostMortemTarget,
): Promise<{ image: string; engine: string } | undefined> {
  if (!postMortem.architecture) return undefined;
  const engineArch = (await engine.version()).arch;
  return archRuns(engineArch, postMortem.architecture) ? undefined : { image: postMortem.architecture, engine: engineArch };
}
