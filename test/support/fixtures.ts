// What integration tests stand on: a real engine, labelled shell-less targets started and
// removed per test, and the built CLI run as a user runs it.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { execa, type Options as ExecaOptions, type ResultPromise } from 'execa';
import { inject } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import { createEngine } from '../../src/engine/create-engine.js';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import type { ContainerSpec } from '../../src/engine/types.js';
import { TEST_IMAGES } from './images.js';
import { runLabelsFor, TEST_LABEL } from './run-labels.js';

export { TEST_LABEL } from './run-labels.js';

export const REMORA_BIN = fileURLToPath(new URL('../../bin/remora', import.meta.url));

export function runLabel(): string {
  return inject('runLabel');
}

/** REMORA_LABELS for the CLI under test: this run's label on all it creates (see run-labels.ts). */
export function runLabels(): string {
  return runLabelsFor(runLabel());
}

export function testEngine(): DockerEngine {
  if (!inject('engineAvailable')) throw new Error('no Docker engine answers: integration tests need one (.ci/run starts it)');
  return createEngine({});
}

export interface RunningTarget extends AsyncDisposable {
  id: string;
  name: string;
}

export type TargetKind = 'scratch' | 'distroless';

/** Starts a labelled target; disposing it removes it and every toolkit attached to it. */
export async function startTarget(
  engine: DockerEngine,
  kind: TargetKind,
  options: {
    env?: string[];
    readOnly?: boolean;
    tmpfs?: Record<string, string>;
    name?: string;
    cmd?: string[];
    autoRemove?: boolean;
    labels?: Record<string, string>;
  } = {},
): Promise<RunningTarget> {
  const name = options.name ?? `remora-t-${kind}-${randomBytes(3).toString('hex')}`;
  const spec: ContainerSpec = {
    name,
    image: TEST_IMAGES[kind],
    cmd: options.cmd,
    env: options.env,
    labels: { ...options.labels, [TEST_LABEL]: runLabel() },
    hostConfig: { readonlyRootfs: options.readOnly ?? false, tmpfs: options.tmpfs, autoRemove: options.autoRemove ?? false },
  };
  const id = await engine.createContainer(spec);
  await engine.startContainer(id);
  return {
    id,
    name,
    async [Symbol.asyncDispose]() {
      const toolkits = await engine.listContainers({ all: true, labels: [`${LABEL.target}=${id}`] });
      await Promise.all([engine.removeContainer(id), ...toolkits.map((t) => engine.removeContainer(t.id))]);
    },
  };
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Starts the built CLI in the background (to signal it, feed it, or read it as it runs),
 * with this run's test label on what it creates.
 */
export function remoraProcess<O extends ExecaOptions>(args: string[], options: O): ResultPromise<O> {
  const labelled = { ...options, env: { REMORA_LABELS: runLabels(), ...options.env } } as O;
  return execa(REMORA_BIN, args, labelled) as unknown as ResultPromise<O>;
}

/** Runs the built CLI as a user would, with this run's test label on what it creates. */
export async function remora(args: string[], options: ExecaOptions = {}): Promise<CliResult> {
  const result = await remoraProcess(args, {
    reject: false,
    // No terminal and no input unless a test gives one, as in CI.
    ...(options.input === undefined ? { stdin: 'ignore' } : {}),
    // Exact output matters: a user sees the trailing newline too.
    stripFinalNewline: false,
    ...options,
  } as ExecaOptions);
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
}

export async function toolkitsOf(engine: DockerEngine, targetId: string) {
  return engine.listContainers({ all: true, labels: [`${LABEL.role}=toolkit`, `${LABEL.target}=${targetId}`] });
}
