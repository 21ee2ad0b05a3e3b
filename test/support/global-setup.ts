// Once per test run: make sure the engine answers, build the toolkit image through
// Remora's own code path (the same one a user's first command takes), build the shell-less
// targets (on Podman's services too, at the same time), and afterwards remove every
// container this run labelled — and nothing else.
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import type { TestProject } from 'vitest/node';
import { createEngine } from '../../src/engine/create-engine.js';
import { prepareTestImages } from './images.js';
import { runLabelsFor } from './run-labels.js';
import { sweepAllControlDirs } from './control-dirs.js';
import { preparePodmanImages } from './podman.js';

declare module 'vitest' {
  export interface ProvidedContext {
    runLabel: string;
    engineAvailable: boolean;
  }
}

const say = (line: string): void => {
  if (process.env.REMORA_TEST_VERBOSE) process.stderr.write(`[setup] ${line}\n`);
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runLabel = `run-${randomBytes(4).toString('hex')}`;
  project.provide('runLabel', runLabel);
  const engine = createEngine({});
  let engineAvailable = true;
  try {
    await engine.version(AbortSignal.timeout(5000));
  } catch {
    engineAvailable = false;
  }
  project.provide('engineAvailable', engineAvailable);
  const started = Date.now();
  await Promise.all([
    engineAvailable ? prepareTestImages(engine, say).then(() => say(`images ready in ${Date.now() - started} ms`)) : undefined,
    // Podman's own images, side by side with Docker's (see preparePodmanImages).
    preparePodmanImages(say),
  ]);
  return async () => {
    if (!engineAvailable) return;
    const leftovers = await engine.listContainers({ all: true, labels: [runLabelsFor(runLabel)] });
    await Promise.all(leftovers.map((c) => engine.removeContainer(c.id)));
    // Volumes too: a run cut short leaves those its tests would have removed.
    await execa('docker', ['volume', 'prune', '-f', '--filter', `label=${runLabelsFor(runLabel)}`], { reject: false });
    engine.dispose();
    // The host directories of sessions that ended without remora (idled out, died with
    // their target): a user's next command would sweep them; this run does it itself.
    await sweepAllControlDirs();
  };
}
