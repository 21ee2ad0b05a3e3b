// `remora proc <target> [pid]`: one process in depth, as sections of text or as JSON.
// ops/proc.ts reads it; core/process-details-text.ts lays it out.
import { formatProcessDetails } from '../../../core/process-details-text.js';
import { inspectProcess } from '../../../ops/proc.js';
import { parsePid } from '../../../core/pid.js';
import type { GlobalOptions } from '../../global-options.js';
import { printJson } from '../../printers.js';
import { openTargetSession } from '../../session-context.js';

export async function procCommand(
  globals: GlobalOptions,
  query: string,
  pidText: string | undefined,
  flags: { showSecrets?: boolean; json?: boolean },
): Promise<number> {
  const asked = pidText === undefined ? undefined : parsePid(pidText);
  await using context = await openTargetSession(globals, query, { needsProcess: true });
  using watch = context.session.watch();
  // No pid: the target's main process (not PID 1 when it shares a PID namespace).
  const pid = asked ?? context.session.target.rootPid;
  const details = await inspectProcess(context.session, pid, { showSecrets: flags.showSecrets ?? false, signal: watch.signal }).catch(
    async (error: unknown) => {
      throw await watch.explain(error);
    },
  );
  if (flags.json) printJson(details);
  else process.stdout.write(formatProcessDetails(details));
  return 0;
}
