// The integration core on rootful Podman (see test/support/podman-suite.ts).
import { podmanService } from '../support/podman.js';
import { podmanSuite } from '../support/podman-suite.js';

await podmanSuite(podmanService('rootful'));
