// `remora demo`: the quick start. Starts a shell-less demo container, attaches to it, and
// removes it (with its toolkits) when you leave, unless --keep.
import { createEngine } from '../../../engine/create-engine.js';
import { DEMO_NAME, ensureDemoTarget } from '../../../session/demo-target.js';
import { removeToolkit, sessionsOf } from '../../../session/toolkit-session.js';
import { sayOnStderr } from '../../session-context.js';
import type { DemoOptions } from './command.js';

export async function demoCommand(options: DemoOptions): Promise<number> {
  const say = sayOnStderr(options);
  const engine = createEngine(options);
  const listing = await engine.listContainers({ all: true });
  const demo = await ensureDemoTarget(engine, listing, say);
  try {
    say(`${DEMO_NAME} is running; \`docker exec ${DEMO_NAME} sh\` fails there: it has no shell`);
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      say(
        `not a terminal, so not attaching; try: remora ps ${DEMO_NAME} · remora exec ${DEMO_NAME} -- ls /target · remora cp ${DEMO_NAME}:/data/app.log .`,
      );
      return 0;
    }
    const { attachCommand } = await import('../attach/run.js');
    return await attachCommand(DEMO_NAME, options);
  } finally {
    if (!options.keep && demo.created && process.stdin.isTTY) {
      // Its sessions first, as detach ends them: they would die with it, but leave their
      // control directories to a later command's sweep.
      const sessions = sessionsOf(await engine.listContainers({ all: true }), demo.id);
      await Promise.allSettled(sessions.map((toolkit) => removeToolkit(engine, toolkit)));
      await engine.removeContainer(demo.id);
      say(`removed ${DEMO_NAME} (pass --keep to leave it running)`);
    }
    engine.dispose();
  }
}
