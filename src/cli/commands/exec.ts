// `remora exec <target> -- CMD...`: a command in the target's toolkit session. Output
// streams stay separate, piped stdin is forwarded and closed at EOF, and the command's
// exit status becomes remora's.
import { randomBytes } from 'node:crypto';
import { RemoraError } from '../../core/errors.js';
import type { ExecHandle } from '../../engine/types.js';
import { execTag, signalTagged } from '../../ops/signal-process.js';
import type { GlobalOptions } from '../global-options.js';
import { openTargetSession } from '../session-context.js';
import { stdinSource } from '../stdin-source.js';
import { onStdoutClosed } from '../stdout-closed.js';
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
  // Tags the command, so it can be found and stopped if our stdout closes (see below).
  const tag = randomBytes(8).toString('hex');
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
      env: [execTag(tag), ...(flags.env ?? [])],
      size: flags.tty ? currentSize() : undefined,
    });
  } catch (error) {
    throw new RemoraError('EXEC_FAILED', `could not start the command in the toolkit: ${(error as Error).message}`, { cause: error });
  }
  if (flags.tty) return bridgeTerminal(handle);

  handle.stdout.pipe(process.stdout, { end: false });
  handle.stderr.pipe(process.stderr, { end: false });
  // `remora exec app -- yes | head -c1`: the reader is gone. As in a local pipeline the
  // command gets SIGPIPE (the engine would leave it blocked on a full pipe forever), and
  // what it still writes is dropped so its stream can end.
  const unwatch = onStdoutClosed(() => {
    handle.stdout.unpipe(process.stdout);
    handle.stdout.resume();
    void signalTagged(context.session, tag, 'PIPE').catch(() => undefined);
  });
  try {
    return await collect(handle, attachStdin);
  } finally {
    unwatch();
  }
}

async function collect(handle: ExecHandle, attachStdin: boolean): Promise<number> {
  // `return await`: the session (ended here if --rm) must outlive the command.
  if (!attachStdin || !handle.stdin) return await handle.exitCode;
  process.stdin.pipe(handle.stdin);
  try {
    return await handle.exitCode;
  } finally {
    process.stdin.unpipe();
    process.stdin.pause();
  }
}
