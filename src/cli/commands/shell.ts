// `remora shell <target>`: an interactive shell with a real TTY in the target's session.
import { RemoraError } from '../../core/errors.js';
import { chrootShellCommand, toolkitShellCommand } from '../../session/shell-command.js';
import type { GlobalOptions } from '../global-options.js';
import { openTargetSession } from '../session-context.js';
import { bridgeTerminal, currentSize } from '../terminal-bridge.js';

export async function shellCommand(globals: GlobalOptions, query: string, flags: { chroot?: boolean; user?: string }): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new RemoraError('NOT_A_TERMINAL', 'remora shell needs a terminal', { hint: 'for scripts use: remora exec <target> -- sh -c "..."' });
  }
  await using context = await openTargetSession(globals, query);
  const { cmd, env } = flags.chroot ? chrootShellCommand(context.target.name) : toolkitShellCommand(context.target.name);
  const handle = await context.session.exec({ cmd, env, user: flags.user, tty: true, stdin: true, size: currentSize() });
  return bridgeTerminal(handle);
}
