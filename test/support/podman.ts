// Podman's Docker-compatible service as a second engine for the integration tests, rootful
// and rootless. .ci/run starts both and exports REMORA_TEST_PODMAN_HOST and
// REMORA_TEST_PODMAN_ROOTLESS_HOST; on a machine where only dockerd runs, the Podman tests
// are skipped (and say so), unless a variable names a socket: then a service that does not
// answer as that Podman is a failure.
import { createEngine } from '../../src/engine/create-engine.js';

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

/** Whether the service answers as Podman in the expected mode; throws where it was required. */
export async function podmanAvailable(service: PodmanService): Promise<boolean> {
  const engine = createEngine({ host: service.host });
  try {
    const signal = AbortSignal.timeout(5000);
    const [version, rootless] = await Promise.all([engine.version(signal), engine.rootless(signal)]);
    if (version.product !== 'Podman') throw new Error(`${service.host} answers as ${version.product}, not Podman`);
    if (rootless !== (service.mode === 'rootless')) throw new Error(`${service.host} is ${rootless ? 'rootless' : 'rootful'} Podman, not ${service.mode}`);
    return true;
  } catch (error) {
    if (service.required) throw new Error(`${service.mode} Podman at ${service.host}: ${(error as Error).message}`, { cause: error });
    process.stderr.write(`${service.mode} podman tests skipped: no Podman service at ${service.host} (.ci/run starts one)\n`);
    return false;
  } finally {
    engine.dispose();
  }
}
