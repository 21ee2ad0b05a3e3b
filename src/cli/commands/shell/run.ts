// `remora shell <target>`: an interactive shell with a real TTY in the target's session.
// runShell is also the TUI's Shell view: the same shell on the same terminal.
import { RemoraError } from '../../../core/errors.js';
import { chrootShellCommand, toolkitShellCommand } from '../../../session/shell-command.js';
import type { ToolkitSession } from '../../../session/toolkit-session.js';
import { openTargetSession } from '../../session-context.js';
import { bridgeTerminal, currentSize } from '../../terminal-bridge.js';
import type { ShellOptions } from './command.js';

/** What the shell itself takes (the TUI's Shell view opens it with neither). */
export type ShellFlags = Pick<ShellOptions, 'chroot' | 'user'>;

export async function shellCommand(query: string, options: ShellOptions): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new RemoraError('NOT_A_TERMINAL', 'remora shell needs a terminal', {
      hint: 'for scripts use: remora exec <target> -- sh -c "..."',
    });
  }
  await using context = await openTargetSession(options, query);
  // `return await`: the session must outlive the shell.
  return await runShell(context.session, options);
}

/** Runs the shell on this process's terminal until it exits; resolves with its status. */
export async function runShell(session: ToolkitSession, flags: ShellFlags): Promise<number> {
  const { cmd, env } = flags.chroot ? chrootShellCommand(session.target.name) : toolkitShellCommand(session.target.name);
  using watch = session.watch();
  const handle = await session.exec({ cmd, env, user: flags.user, tty: true, stdin: true, size: currentSize() });
  // A shell killed with its target says so, as when the stream hangs.
  return await watch.statusOf(await bridgeTerminal(handle, { until: watch.ended }));
}
