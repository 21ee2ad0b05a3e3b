// `remora toolkit build`: builds (or rebuilds) the toolkit image, progress on stderr.
import { createEngine } from '../../../engine/create-engine.js';
import { ensureToolkitImage } from '../../../session/toolkit-image.js';
import { sayOnStderr, toolkitImageFrom } from '../../session-context.js';
import type { ToolkitBuildOptions } from './command.js';

export async function toolkitBuildCommand(options: ToolkitBuildOptions): Promise<number> {
  const engine = createEngine(options);
  try {
    const image = await ensureToolkitImage({
      engine,
      image: toolkitImageFrom(options),
      rebuild: true,
      say: sayOnStderr(options),
    });
    process.stdout.write(`${image}\n`);
    return 0;
  } finally {
    engine.dispose();
  }
}
