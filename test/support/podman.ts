// Podman's Docker-compatible service as a second engine for the integration tests.
// .ci/run starts it on CI_PODMAN_HOST and exports REMORA_TEST_PODMAN_HOST; on a machine
// where only dockerd runs, the Podman tests are skipped (and say so), unless the variable
// names a socket, in which case a service that does not answer is a failure.
import { createEngine } from '../../src/engine/create-engine.js';

const CI_PODMAN_HOST = 'unix:///run/remora-ci/podman.sock';
const requested = process.env.REMORA_TEST_PODMAN_HOST;

export const PODMAN_HOST = requested ?? CI_PODMAN_HOST;

/** Whether the Podman tests run: the service answers as Podman, or was asked for and does not (a failure). */
export async function podmanAvailable(): Promise<boolean> {
  const engine = createEngine({ host: PODMAN_HOST });
  try {
    const version = await engine.version(AbortSignal.timeout(5000));
    if (version.product !== 'Podman') throw new Error(`${PODMAN_HOST} answers as ${version.product}, not Podman`);
    return true;
  } catch (error) {
    if (requested) throw new Error(`REMORA_TEST_PODMAN_HOST=${requested}: ${(error as Error).message}`, { cause: error });
    process.stderr.write(`podman tests skipped: no Podman service at ${PODMAN_HOST} (.ci/run starts one)\n`);
    return false;
  } finally {
    engine.dispose();
  }
}
