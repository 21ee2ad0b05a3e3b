// `remora exec <target> -- CMD...`: a command in the target's toolkit session. Output
// streams stay separate; stdin is forwarded only with -i (closed at EOF), as docker exec
// and kubectl exec do, so a shell loop's input is never swallowed; the command's exit
// status becomes remora's.
import { RemoraError } from '../../../core/errors.js';
import { randomSuffix } from '../../../core/fingerprint.js';
import type { ExecHandle } from '../../../engine/types.js';
import { execTag, signalTagged } from '../../../ops/signal-process.js';
import { execStartFailure } from '../../../session/toolkit-session.js';
import type { SessionOptions } from '../../option-groups.js';
import { openEngineContext, openSessionIn, standInOf, startOneShotIn } from '../../session-context.js';
import { stdinSource } from '../../stdin-source.js';
import { onStdoutClosed } from '../../stdout-closed.js';
import { bridgeTerminal, currentSize } from '../../terminal-bridge.js';
import { execInvocation, type ExecFlags } from './args.js';
import type { ExecCommand, ExecOptions } from './command.js';

/** The handler: commander stopped at the target, so the rest of the line is read first. */
export async function runExec(_query: string, _rest: string[], options: ExecOptions, command: ExecCommand): Promise<number> {
  const { query, cmd, flags } = execInvocation(command);
  return execCommand({ ...options, ...command.opts() }, query, cmd, flags);
}

export async function execCommand(globals: SessionOptions, query: string, cmd: string[], flags: ExecFlags): Promise<number> {
  if (cmd.length === 0)
    throw new RemoraError('USAGE', 'no command given', { hint: 'write it after --, e.g. remora exec app -- ls /target' });
  const interactive = flags.interactive === true;
  if (flags.tty && interactive && stdinSource() !== 'terminal') {
    throw new RemoraError('NOT_A_TERMINAL', 'the input is not a terminal (-t with -i needs one)', {
      hint: 'drop -t when piping into the command, or run it from a terminal',
    });
  }
  // `--rm` with nothing to send and no terminal: the command is the toolkit's own process,
  // as with `docker run --rm` (no keeper, no exec). --user and --workdir need the session:
  // the one-shot's main process makes /target as root first.
  const oneShot = globals.rm === true && !interactive && !flags.tty && flags.user === undefined && flags.workdir === undefined;
  // A new toolkit's spec needs the target inspected: asked beside the listing.
  await using context = await openEngineContext(globals, oneShot ? { inspect: query } : {});
  const oneShotHandle = oneShot ? await startOneShotIn(context, globals, query, { cmd, env: flags.env }) : undefined;
  if (oneShotHandle) return await runOneShot(oneShotHandle);
  const opened = await openSessionIn(context, globals, query);
  await using _standIn = standInOf(context, opened);
  // `await using`: the session (ended here if --rm) must outlive the command.
  await using session = opened.session;
  // The engine does not end the exec's stream when the target or toolkit dies: watch them.
  using watch = session.watch();
  // Tags the command, so it can be found and stopped if our stdout closes (see below). Unique,
  // not secret: Math.random's, as node:crypto costs ~4 ms to load.
  const tag = randomSuffix(16);
  let handle: ExecHandle;
  try {
    handle = await session.exec({
      cmd,
      user: flags.user,
      tty: flags.tty ?? false,
      stdin: interactive,
      targetDir: flags.workdir,
      env: [execTag(tag), ...(flags.env ?? [])],
      size: flags.tty ? currentSize() : undefined,
    });
  } catch (error) {
    throw execStartFailure(error, 'the command');
  }
  if (flags.tty) return await watch.statusOf(await bridgeTerminal(handle, { input: interactive, until: watch.ended }));

  handle.stdout.pipe(process.stdout, { end: false });
  handle.stderr.pipe(process.stderr, { end: false });
  // `remora exec app -- yes | head -c1`: the reader is gone. As in a local pipeline the
  // command gets SIGPIPE (the engine would leave it blocked on a full pipe forever), and
  // what it still writes is dropped so its stream can end.
  const unwatch = onStdoutClosed(() => {
    handle.stdout.unpipe(process.stdout);
    handle.stdout.resume();
    void signalTagged(session, tag, 'PIPE').catch(() => undefined);
  });
  if (interactive && handle.stdin) process.stdin.pipe(handle.stdin);
  try {
    return await watch.statusOf(await Promise.race([handle.exitCode, watch.ended]));
  } finally {
    unwatch();
    handle.close();
    if (interactive) {
      process.stdin.unpipe();
      process.stdin.pause();
    }
  }
}

/** A one-shot toolkit's command: it dies with the target (same PID namespace), so its wait ends then too. */
async function runOneShot(handle: ExecHandle): Promise<number> {
  handle.stdout.pipe(process.stdout, { end: false });
  handle.stderr.pipe(process.stderr, { end: false });
  // remora-run kills its command when the attach stream closes.
  const unwatch = onStdoutClosed(() => {
    handle.stdout.unpipe(process.stdout);
    handle.stdout.resume();
    handle.close();
  });
  try {
    return await handle.exitCode;
  } finally {
    unwatch();
  }
}
