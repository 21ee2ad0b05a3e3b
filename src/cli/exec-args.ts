// `remora exec`'s arguments, read as `docker exec` reads its own: -e/-u/-w/-t/-i anywhere
// before the command (before or after the target), `--` optional, and the command's own
// arguments never taken for remora's options.
import { InvalidArgumentError, type Command } from 'commander';
import { RemoraError } from '../core/errors.js';

export interface ExecFlags {
  user?: string;
  tty?: boolean;
  interactive?: boolean;
  /** A directory of the target (absolute), entered under /target in the toolkit. */
  workdir?: string;
  env?: string[];
}

export interface ExecInvocation {
  query: string;
  cmd: string[];
  flags: ExecFlags;
}

/** Adds exec's own flags; -e repeats (one value each, as docker: `-e A=1 -e B=2 app`). */
export function addExecFlags(command: Command, env: NodeJS.ProcessEnv = process.env): Command {
  return command
    .option('-u, --user <user>', 'run as this user (name or uid[:gid]) in the toolkit')
    .option('-t, --tty', 'allocate a terminal')
    .option('-i, --interactive', 'forward stdin to the command (without it the command reads nothing, as with docker exec)')
    .option('-w, --workdir <dir>', "start in this directory of the target (absolute; /target/<dir> in the toolkit)", parseWorkdir)
    .option('-e, --env <KEY=VALUE>', 'set an environment variable (KEY alone: its local value); repeat for more', (value: string, previous: string[] | undefined) => {
      const entry = parseEnvFlag(value, env);
      return entry === undefined ? (previous ?? []) : [...(previous ?? []), entry];
    });
}

/**
 * As docker's -e: `KEY=VALUE` as given; `KEY` alone takes its value from remora's own
 * environment and is left out when it is not set there; an empty key is refused.
 */
export function parseEnvFlag(value: string, env: NodeJS.ProcessEnv): string | undefined {
  const equals = value.indexOf('=');
  const key = equals === -1 ? value : value.slice(0, equals);
  if (key === '') throw new InvalidArgumentError(`"${value}" is not KEY=VALUE`);
  if (equals !== -1) return value;
  const local = env[key];
  return local === undefined ? undefined : `${key}=${local}`;
}

function parseWorkdir(value: string): string {
  if (!value.startsWith('/')) throw new InvalidArgumentError(`"${value}" is not an absolute path of the target`);
  return value;
}

/**
 * Reads the invocation once commander has parsed what stands before the target (it stops
 * there: passThroughOptions). Options between the target and the command (or `--`) are
 * parsed here by the same definitions; the first other word starts the command, and
 * everything from it on is the command's, `--` and dashes included.
 */
export function execInvocation(command: Command): ExecInvocation {
  const [query, rest] = command.processedArgs as [string, string[] | undefined];
  const { operands, unknown } = command.parseOptions(rest ?? []);
  if (unknown.length > 0) {
    throw new RemoraError('USAGE', `unknown option ${unknown[0]} for remora exec`, { hint: 'put the command after --, e.g. remora exec app -- ls -l /target' });
  }
  const { user, tty, interactive, workdir, env } = command.opts<ExecFlags>();
  const flags: ExecFlags = { user, tty, interactive, workdir, env };
  for (const key of Object.keys(flags) as (keyof ExecFlags)[]) if (flags[key] === undefined) delete flags[key];
  return { query, cmd: operands, flags };
}
