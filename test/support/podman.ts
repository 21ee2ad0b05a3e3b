// Podman's Docker-compatible service as a second engine for the integration tests, rootful
// and rootless. .ci/run starts both and exports REMORA_TEST_PODMAN_HOST and
// REMORA_TEST_PODMAN_ROOTLESS_HOST; on a machine where only dockerd runs, the Podman tests
// are skipped (and say so), unless a variable names a socket: then a service that does not
// answer as that Podman is a failure.
import { createEngine } from '../../src/engine/create-engine.js';
import type { ProgressHandler } from '../../src/engine/types.js';
import { prepareTestImages } from './images.js';

export interface PodmanService {
  mode: 'rootful' | 'rootless';
  host: string;
  /** Named by the environment: a service that does not answer is then a failure, not a skip. */
  required: boolean;
}

export function podmanService(mode: PodmanService['mode']): PodmanService {
  const requested = mode === 'rootful' ? process.env.REMORA_TEST_PODMAN_HOST : process.env.REMORA_TEST_PODMAN_ROOTLESS_HOST;
  const ciHost = mode === 'rootful' ? 'unix:///run/remora-ci/podman.sock' : 'unix:///run/remora-ci/rootless/podman.sock';
  return { mode, host: requested || ciHost, required: Boolean(requested) };
}

/** Why the service cannot serve the tests (not there, not Podman, not in this mode), or undefined. */
async function podmanProblem(service: PodmanService): Promise<string | undefined> {
  const engine = createEngine({ host: service.host });
  try {
    const signal = AbortSignal.timeout(5000);
    const [version, rootless] = await Promise.all([engine.version(signal), engine.rootless(signal)]);
    if (version.product !== 'Podman') return `${service.host} answers as ${version.product}, not Podman`;
    if (rootless !== (service.mode === 'rootless'))
      return `${service.host} is ${rootless ? 'rootless' : 'rootful'} Podman, not ${service.mode}`;
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    engine.dispose();
  }
}

/** Whether the service answers as Podman in the expected mode; throws where it was required. */
export async function podmanAvailable(service: PodmanService): Promise<boolean> {
  const problem = await podmanProblem(service);
  if (problem === undefined) return true;
  if (service.required) throw new Error(`${service.mode} Podman at ${service.host}: ${problem}`);
  process.stderr.write(`${service.mode} podman tests skipped: no Podman service at ${service.host} (.ci/run starts one)\n`);
  return false;
}

/**
 * Builds Podman's test images ahead, in global setup beside Docker's, so the slow parts
 * (debootstrap, apt) overlap instead of holding a test worker later. Quiet and forgiving:
 * the suite checks again and reports what is wrong.
 */
export async function preparePodmanImages(say: ProgressHandler): Promise<void> {
  await Promise.all(
    (['rootful', 'rootless'] as const).map(async (mode) => {
      const service = podmanService(mode);
      if ((await podmanProblem(service)) !== undefined) return;
      const engine = createEngine({ host: service.host });
      const started = Date.now();
      try {
        await prepareTestImages(engine, say, PODMAN_TARGETS);
        say(`${mode} podman images ready in ${Date.now() - started} ms`);
      } catch (error) {
        say(`${mode} podman images failed: ${(error as Error).message}`);
      } finally {
        engine.dispose();
      }
    }),
  );
}

/** The targets the Podman suite uses. */
export const PODMAN_TARGETS = ['scratch'] as const;
