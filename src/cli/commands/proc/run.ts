// `remora proc <target> [pid]`: one process in depth, as sections of text or as JSON.
// ops/proc.ts reads it; core/process-details-text.ts lays it out.
import { formatProcessDetails } from '../../../core/process-details-text.js';
import { inspectProcess } from '../../../ops/proc.js';
import { parsePid } from '../../../core/pid.js';
import { printJson } from '../../printers.js';
import { openTargetSession } from '../../session-context.js';
import type { ProcOptions } from './command.js';

export async function procCommand(query: string, pidText: string | undefined, options: ProcOptions): Promise<number> {
  const asked = pidText === undefined ? undefined : parsePid(pidText);
  await using context = await openTargetSession(options, query, { needsProcess: true });
  using watch = context.session.watch();
  // No pid: the target's main process (not PID 1 when it shares a PID namespace).
  const pid = asked ?? context.session.target.rootPid;
  const details = await inspectProcess(context.session, pid, { showSecrets: options.showSecrets ?? false, signal: watch.signal }).catch(
    async (error: unknown) => {
      throw await watch.explain(error);
    },
  );
  if (options.json) printJson(details);
  else process.stdout.write(formatProcessDetails(details));
  return 0;
}
