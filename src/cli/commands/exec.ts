// `remora exec <target> -- CMD...`: a command in the target's toolkit session. Output
// streams stay separate, piped stdin is forwarded and closed at EOF, and the command's
// exit status becomes remora's.
import { RemoraError } from '../../core/errors.js';
import type { GlobalOptions } from '../global-options.js';
import { openTargetSession } from '../session-context.js';
import { stdinSource } from '../stdin-source.js';
import { bridgeTerminal, currentSize } from '../terminal-bridge.js';

export interface ExecFlags {
  user?: string;
  tty?: boolean;
  interactive?: boolean;
  workdir?: string;
  env?: string[];
}

export async function execCommand(globals: GlobalOptions, query: string, cmd: string[], flags: ExecFlags): Promise<number> {
  if (cmd.length === 0) throw new RemoraError('USAGE', 'no command given', { hint: 'write it after --, e.g. remora exec app -- ls /target' });
  const stdin = stdinSource();
  if (flags.tty && stdin !== 'terminal') {
    throw new RemoraError('NOT_A_TERMINAL', '--tty needs a terminal on stdin', { hint: 'drop -t when piping, or run it from a terminal' });
  }
  await using context = await openTargetSession(globals, query);
  using watch = context.session.watch();
  // Piped or redirected stdin is the command's input; a terminal only with -i or -t.
  const attachStdin = flags.interactive === true || flags.tty === true || stdin === 'data';
  let handle;
  try {
    handle = await context.session.exec({
      cmd,
      user: flags.user,
      tty: flags.tty ?? false,
      stdin: attachStdin,
      workingDir: flags.workdir,
      env: flags.env,
      size: flags.tty ? currentSize() : undefined,
    });
  } catch (error) {
    throw new RemoraError('EXEC_FAILED', `could not start the command in the toolkit: ${(error as Error).message}`, { cause: error });
  }
  if (flags.tty) return await bridgeTerminal(handle, watch.ended);

  handle.stdout.pipe(process.stdout, { end: false });
  handle.stderr.pipe(process.stderr, { end: false });
  if (attachStdin && handle.stdin) process.stdin.pipe(handle.stdin);
  try {
    // `await`: the session (ended here if --rm) must outlive the command.
    const exitCode = await Promise.race([handle.exitCode, watch.ended]);
    // Killed with its namespace (the stream did close this time): say so, as when it hangs.
    const explained = exitCode >= 128 ? await watch.explain({ exitCode }) : undefined;
    if (explained instanceof RemoraError) throw explained;
    return exitCode;
  } finally {
    handle.close();
    if (attachStdin) {
      process.stdin.unpipe();
      process.stdin.pause();
    }
  }
}
