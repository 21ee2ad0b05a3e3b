// `remora attach [target]`: the TUI. This file wires it to the CLI: the terminal check, the
// session (as every command opens it), and the plain commands' own formatting (proc's text,
// cp's progress line) and shell, so the TUI shows exactly what they show.
import { RemoraError } from '../../core/errors.js';
import { listTargets } from '../../ops/targets.js';
import { runAttach } from '../../tui/run-attach.js';
import { createSessionDataSource } from '../../tui/session-data-source.js';
import type { GlobalOptions } from '../global-options.js';
import { openEngineContext, openSessionIn, openTargetSession } from '../session-context.js';
import { runShell } from './shell.js';

export async function attachCommand(globals: GlobalOptions, query: string | undefined): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new RemoraError('NOT_A_TERMINAL', 'remora attach needs a terminal', {
      hint: `for scripts use the plain commands: remora ps|proc|strace|net ${query ?? '<target>'}, remora cp, remora exec (remora targets lists the targets)`,
    });
  }
  return runAttach({
    query,
    async listTargets() {
      await using context = await openEngineContext(globals);
      return await listTargets(context.engine, context.listing);
    },
    async connect(target, say) {
      const context = await openTargetSession(globals, target, { say });
      return {
        data: createSessionDataSource({
          session: context.session,
          engine: context.engine,
          cwd: process.cwd(),
          // Capture gets its own profile's session, as `remora capture` does; never general widened.
          openCaptureSession: async () => (await openSessionIn(context, { ...globals, profile: 'capture' }, context.target.id, { say })).session,
        }),
        openShell: () => runShell(context.session, {}),
        close: async () => context[Symbol.asyncDispose](),
      };
    },
  });
}
