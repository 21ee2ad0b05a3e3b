// Image names the tests use. Built once per run by global-setup.ts (cached by the engine).
import { REMORA_VERSION } from '../../src/core/version.js';

/**
 * The toolkit the tests use: Remora's default unless REMORA_TOOLKIT_IMAGE names another
 * tag, which global-setup then builds from this checkout's toolkit-image/ (so two checkouts
 * with different toolkit sources can test on one engine without rebuilding each other's).
 */
const privateToolkitTag = process.env.REMORA_TOOLKIT_IMAGE;

export const TEST_IMAGES = {
  toolkit: privateToolkitTag ?? `remora-toolkit:${REMORA_VERSION}`,
  /** Static program FROM scratch, runs as root, no shell, no libc. */
  scratch: 'remora-test/scratch:latest',
  /** Dynamically linked program + its libraries, runs as 65532 (nonroot), no shell. */
  distroless: 'remora-test/distroless:latest',
} as const;

/** Whether the toolkit is a checkout's private tag rather than the one users get. */
export const TOOLKIT_IS_PRIVATE = privateToolkitTag !== undefined;
