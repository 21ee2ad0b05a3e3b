// The demo target: a shell-less container (a static program FROM scratch, read-only root,
// its log on a tmpfs) built from demo-image/ on the user's own engine. Labelled, so Remora
// removes it, and only it, when the demo ends.
import { LABEL } from '../core/labels.js';
import { REMORA_VERSION } from '../core/version.js';
import type { ContainerSummary, Engine, ProgressHandler } from '../engine/types.js';
import { ensureBuiltImage, packageDir } from './toolkit-image.js';

export const DEMO_NAME = 'remora-demo';

export function demoImage(): string {
  return `remora-demo:${REMORA_VERSION}`;
}

/** Starts the demo container (or finds it running) and returns its ID. */
export async function ensureDemoTarget(
  engine: Engine,
  listing: ContainerSummary[],
  say: ProgressHandler,
): Promise<{ id: string; created: boolean }> {
  const existing = listing.find((c) => c.name === DEMO_NAME);
  if (existing?.state === 'running') return { id: existing.id, created: false };
  if (existing) await engine.removeContainer(existing.id);

  const image = demoImage();
  await ensureBuiltImage({ engine, tag: image, directory: packageDir('demo-image'), say, what: 'demo image', buildTarget: 'scratch' });
  say(`starting ${DEMO_NAME}: a static program FROM scratch, read-only root, /data on tmpfs, no shell`);
  const id = await engine.createContainer({
    name: DEMO_NAME,
    image,
    labels: { [LABEL.demo]: 'true' },
    hostConfig: { readonlyRootfs: true, tmpfs: { '/data': 'rw,size=16m', '/tmp': 'rw,size=16m' }, autoRemove: true },
  });
  await engine.startContainer(id);
  return { id, created: true };
}
