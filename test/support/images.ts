// Image names the tests use. Built once per run by global-setup.ts (cached by the engine).
import { REMORA_VERSION } from '../../src/core/version.js';

export const TEST_IMAGES = {
  toolkit: `remora-toolkit:${REMORA_VERSION}`,
  /** Static program FROM scratch, runs as root, no shell, no libc. */
  scratch: 'remora-test/scratch:latest',
  /** Dynamically linked program + its libraries, runs as 65532 (nonroot), no shell. */
  distroless: 'remora-test/distroless:latest',
} as const;
