// Image names the tests use, and how they are made: through Remora's own code path (the
// one a user's first command takes), once per run and engine (cached by the engine).
import { REMORA_VERSION } from '../../src/core/version.js';
import type { Engine, ProgressHandler } from '../../src/engine/types.js';
import { ensureBuiltImage, ensureToolkitImage, packageDir } from '../../src/session/toolkit-image.js';

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

/** Builds the toolkit and the shell-less targets on an engine, unless built from these sources already. */
export async function prepareTestImages(
  engine: Engine,
  say: ProgressHandler,
  targets: ReadonlyArray<'scratch' | 'distroless'> = ['scratch', 'distroless'],
): Promise<void> {
  if (TOOLKIT_IS_PRIVATE) {
    await ensureBuiltImage({
      engine,
      tag: TEST_IMAGES.toolkit,
      directory: packageDir('toolkit-image'),
      say,
      what: 'toolkit image (private tag)',
    });
  } else {
    await ensureToolkitImage({ engine, image: TEST_IMAGES.toolkit, say });
  }
  for (const target of targets) {
    await ensureBuiltImage({
      engine,
      tag: TEST_IMAGES[target],
      directory: packageDir('demo-image'),
      say,
      what: `test target (${target})`,
      buildTarget: target,
    });
  }
}
