// `remora demo`: the quick start. Starts a shell-less demo container, attaches to it, and
// removes it (with its toolkits) when you leave, unless --keep.
import { createEngine } from '../../../engine/create-engine.js';
import { DEMO_NAME, ensureDemoTarget } from '../../../session/demo-target.js';
import type { GlobalOptions } from '../../global-options.js';
import { sayOnStderr, testLabels } from '../../session-context.js';

export async function demoCommand(globals: GlobalOptions, flags: { keep?: boolean }): Promise<number> {
  const say = sayOnStderr(globals);
  const engine = createEngine(globals);
  const listing = await engine.listContainers({ all: true });
  const demo = await ensureDemoTarget(engine, listing, say, testLabels() ?? {});
  try {
    say(`${DEMO_NAME} is running; \`docker exec ${DEMO_NAME} sh\` fails there: it has no shell`);
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      say(
        `not a terminal, so not attaching; try: remora ps ${DEMO_NAME} · remora exec ${DEMO_NAME} -- ls /target · remora cp ${DEMO_NAME}:/data/app.log .`,
      );
      return 0;
    }
    const { attachCommand } = await import('../attach/run.js');
    return await attachCommand(globals, DEMO_NAME);
  } finally {
    if (!flags.keep && demo.created && process.stdin.isTTY) {
      await engine.removeContainer(demo.id);
      say(`removed ${DEMO_NAME} (pass --keep to leave it running)`);
    }
    engine.dispose();
  }
}
