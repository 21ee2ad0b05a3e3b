// The integration core on rootless Podman (see test/support/podman-suite.ts).
import { podmanService } from '../support/podman.js';
import { podmanSuite } from '../support/podman-suite.js';

await podmanSuite(podmanService('rootless'));
