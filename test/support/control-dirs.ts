// The end of a test run: the control directories (session/control-dir.ts) of every engine
// the run used that no toolkit names any more, swept at once rather than by a user's next
// command a minute later.
import { createEngine } from '../../src/engine/create-engine.js';
import { sweepControlDirsOf } from '../../src/session/control-dir.js';
import { podmanService } from './podman.js';

export async function sweepAllControlDirs(): Promise<void> {
  const hosts = [undefined, podmanService('rootful').host, podmanService('rootless').host];
  await Promise.all(
    hosts.map(async (host) => {
      const engine = createEngine(host === undefined ? {} : { host });
      try {
        const listing = await engine.listContainers({ all: true });
        sweepControlDirsOf(engine, listing, new Set(), 0);
      } catch {
        // An engine this run could not reach made no directories.
      } finally {
        engine.dispose();
      }
    }),
  );
}
