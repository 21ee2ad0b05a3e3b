// `remora cp SRC... DEST`: which side is the target, one toolkit session per target, the
// progress line, warnings, and SIGINT/SIGTERM turned into a clean stop (temporaries
// removed on both sides, the old file left as it was). The copying is in ops/.
import { describeLocation, parseCpLocation, resolveLocalPath, type CpLocation } from '../../../core/cp-paths.js';
import { RemoraError } from '../../../core/errors.js';
import { exitStatusOfSignal } from '../../../core/exit-status.js';
import { terminalSafe } from '../../../core/target-text.js';
import { copyIn, type Ownership } from '../../../ops/copy-in.js';
import { copyOut, type CopyResult } from '../../../ops/copy-out.js';
import { progressPrinter } from '../../progress.js';
import { typedArguments } from '../../typed-arguments.js';
import { openEngineContext, openSessionIn, openTargetSession, sayOnStderr, standInOf, type EngineContext } from '../../session-context.js';
import type { ToolkitSession } from '../../../session/toolkit-session.js';
import type { CpOptions } from './command.js';

type TargetLocation = Extract<CpLocation, { kind: 'target' }>;

export async function cpCommand(args: string[], options: CpOptions): Promise<number> {
  if (args.length < 2)
    throw new RemoraError('USAGE', 'remora cp needs a source and a destination', {
      hint: 'remora cp app:/etc/hostname .  or  remora cp ./config.yaml app:/etc/app/',
    });
  // Paths are bytes: `caf\xe9.txt` typed on the command line is that name, not U+FFFD's.
  const locations = typedArguments(args).map(parseCpLocation);
  const dest = locations[locations.length - 1] as CpLocation;
  const sources = locations.slice(0, -1);
  const owner = ownershipFrom(options);
  const many = sources.length > 1;

  if (dest.kind === 'target') {
    const bad = sources.find((s) => s.kind === 'target');
    if (bad)
      throw new RemoraError('USAGE', `cannot copy from one target to another (${describeLocation(bad)} to ${describeLocation(dest)})`, {
        hint: 'copy out to a local directory, then in',
      });
    if (many && sources.some((s) => s.kind === 'stream'))
      throw new RemoraError('USAGE', '- (a tar stream on stdin) must be the only source');
  } else {
    const bad = sources.find((s) => s.kind !== 'target');
    if (bad)
      throw new RemoraError(
        'USAGE',
        `one side of a copy must be a target path (TARGET:PATH); ${describeLocation(bad)} and ${describeLocation(dest)} are both local`,
        { hint: 'a path with a colon in it is local when it starts with ./ or /' },
      );
    if (dest.kind === 'stream' && many) throw new RemoraError('USAGE', '- (a tar stream on stdout) takes one source');
  }
  if (options.owner !== undefined && dest.kind !== 'target') throw new RemoraError('USAGE', '--owner applies to copies into a target');
  // A tar stream to or from a terminal is never what anyone meant (docker cp refuses it too).
  if (sources.some((s) => s.kind === 'stream') && process.stdin.isTTY)
    throw new RemoraError('USAGE', '- reads a tar stream from stdin, which is a terminal', {
      hint: 'pipe a tar into it: tar -c dir | remora cp - app:/data/',
    });
  if (dest.kind === 'stream' && process.stdout.isTTY)
    throw new RemoraError('USAGE', '- writes a tar stream to stdout, which is a terminal', {
      hint: 'redirect or pipe it: remora cp app:/data - > data.tar',
    });

  const showProgress = !options.quiet && process.stderr.isTTY === true;
  const progress = progressPrinter(process.stderr, showProgress);
  const controller = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals): void => {
    // A second Ctrl-C means "now": the cleanup of the first is cut short, as in any tool.
    if (stoppedBy) process.exit(exitStatusOfSignal(signal));
    stoppedBy = signal;
    controller.abort(new RemoraError('OPERATION_FAILED', `interrupted by ${signal}`));
  };
  const onInt = (): void => stop('SIGINT');
  const onTerm = (): void => stop('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  // Without a progress line nothing needs the total, which costs a second walk of a local tree.
  const hooks = showProgress ? { onTotal: progress.onTotal, onBytes: progress.onBytes } : {};
  const say = sayOnStderr(options);
  const results: CopyResult[] = [];

  try {
    if (dest.kind === 'target') {
      await using context = await openTargetSession(options, dest.target, { writes: true });
      for (const source of sources) {
        controller.signal.throwIfAborted();
        const local = source.kind === 'local' ? resolveLocalPath(source.path, process.cwd()) : undefined;
        results.push(
          await copyIn({
            session: context.session,
            targetName: dest.target,
            source:
              source.kind === 'stream'
                ? { kind: 'stream', input: process.stdin }
                : { kind: 'local', path: local as string, display: describeLocation(source) },
            destPath: dest.path,
            followLink: options.followLink ?? false,
            requireDirectory: many,
            owner,
            verify: options.verify ?? false,
            hooks: {
              ...hooks,
              onWarning: (name, reason) => warn(local ? joinDisplay(describeLocation(source), name) : `stdin: ${name}`, reason),
            },
            signal: controller.signal,
          }),
        );
      }
    } else {
      // One session per target named, opened when its first source comes, ended at the end.
      await using contexts = new TargetSessions(options);
      for (const source of sources as TargetLocation[]) {
        controller.signal.throwIfAborted();
        const session = await contexts.of(source.target);
        results.push(
          await copyOut({
            session,
            targetName: source.target,
            sourcePath: source.path,
            followLink: options.followLink ?? false,
            destination:
              dest.kind === 'stream'
                ? { kind: 'stream', output: process.stdout }
                : { kind: 'local', path: resolveLocalPath(dest.path, process.cwd()), display: dest.path },
            requireDirectory: many,
            keepOwners: (options.archive ?? false) && process.getuid?.() === 0,
            verify: options.verify ?? false,
            hooks: { ...hooks, onWarning: (name, reason) => warn(joinDisplay(describeLocation(source), name), reason) },
            signal: controller.signal,
          }),
        );
      }
    }
  } catch (error) {
    progress.stop();
    if (stoppedBy) {
      process.stderr.write(`remora: cp interrupted by ${stoppedBy}; no partial file was left behind\n`);
      return exitStatusOfSignal(stoppedBy);
    }
    throw error;
  } finally {
    progress.stop();
    process.removeListener('SIGINT', onInt);
    process.removeListener('SIGTERM', onTerm);
  }
  const verified = results.reduce((sum, r) => sum + (r.verified ?? 0), 0);
  if (options.verify) say(`verified: SHA-256 of ${verified} file${verified === 1 ? '' : 's'} identical on both sides`);
  return 0;
}

/** The sessions of a command that reads from several targets: one engine, each session opened once. */
class TargetSessions implements AsyncDisposable {
  private context: EngineContext | undefined;
  private readonly sessions = new Map<string, { session: ToolkitSession; standIn: AsyncDisposable }>();

  constructor(private readonly options: CpOptions) {}

  async of(target: string): Promise<ToolkitSession> {
    const context = (this.context ??= await openEngineContext(this.options));
    let opened = this.sessions.get(target);
    if (!opened) {
      const found = await openSessionIn(context, this.options, target);
      opened = { session: found.session, standIn: standInOf(context, found) };
      this.sessions.set(target, opened);
    }
    return opened.session;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const { session, standIn } of this.sessions.values()) {
      await session[Symbol.asyncDispose]();
      await standIn[Symbol.asyncDispose]();
    }
    await this.context?.[Symbol.asyncDispose]();
  }
}

function warn(where: string, reason: string): void {
  // Both name what is in the target: shown, never acted on by the terminal.
  process.stderr.write(`remora: warning: ${terminalSafe(where)}: ${terminalSafe(reason)}\n`);
}

function joinDisplay(display: string, name: string): string {
  if (name === '.' || name === '') return display;
  return display.endsWith('/') ? `${display}${name}` : `${display.replace(/\/\.$/, '')}/${name}`;
}

function ownershipFrom(options: CpOptions): Ownership {
  if (options.owner !== undefined && options.archive)
    throw new RemoraError('USAGE', '--owner and --archive cannot be used together', {
      hint: '--archive keeps the local owners; --owner sets one',
    });
  if (options.archive) return { kind: 'archive' };
  if (options.owner === undefined) return { kind: 'main-process' };
  const match = /^(\d+):(\d+)$/.exec(options.owner.trim());
  if (!match)
    throw new RemoraError('USAGE', `--owner takes UID:GID in numbers, not "${options.owner}"`, { hint: 'e.g. --owner 65532:65532' });
  const [uid, gid] = [Number(match[1]), Number(match[2])];
  if (uid > 4294967294 || gid > 4294967294) throw new RemoraError('USAGE', `--owner ${options.owner}: ids must be below 4294967295`);
  return { kind: 'fixed', uid, gid };
}
