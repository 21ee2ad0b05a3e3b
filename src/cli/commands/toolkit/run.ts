// `remora toolkit build`: builds (or rebuilds) the toolkit image, progress on stderr.
import { createEngine } from '../../../engine/create-engine.js';
import { ensureToolkitImage } from '../../../session/toolkit-image.js';
import type { GlobalOptions } from '../../global-options.js';
import { sayOnStderr, toolkitImageFrom } from '../../session-context.js';

export async function toolkitBuildCommand(globals: GlobalOptions, flags: { force?: boolean }): Promise<number> {
  const engine = createEngine(globals);
  try {
    const image = await ensureToolkitImage({
      engine,
      image: toolkitImageFrom(globals),
      rebuild: flags.force ?? true,
      say: sayOnStderr(globals),
    });
    process.stdout.write(`${image}\n`);
    return 0;
  } finally {
    engine.dispose();
  }
}
