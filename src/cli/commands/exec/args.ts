// `remora exec`'s arguments, read as `docker exec` reads its own: -e/-u/-w/-t/-i anywhere
// before the command (before or after the target), `--` optional, and the command's own
// arguments never taken for remora's options.
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '@commander-js/extra-typings';
import { RemoraError } from '../../../core/errors.js';
import type { ExecCommand } from './command.js';

export interface ExecFlags {
  user?: string;
  tty?: boolean;
  interactive?: boolean;
  /** A directory of the target (absolute), entered under /target in the toolkit. */
  workdir?: string;
  /** --env-file's entries, in order, then -e's: the later wins, as in docker. */
  env?: string[];
}

export interface ExecInvocation {
  query: string;
  cmd: string[];
  flags: ExecFlags;
}

/** -e repeats (one value each, as docker: `-e A=1 -e B=2 app`); KEY alone takes its local value. */
export function collectEnvFlag(env: NodeJS.ProcessEnv): (value: string, previous: string[] | undefined) => string[] {
  return (value, previous) => {
    const entry = parseEnvFlag(value, env);
    return entry === undefined ? (previous ?? []) : [...(previous ?? []), entry];
  };
}

/** --env-file repeats too; its entries come before -e's. */
export function collectEnvFile(env: NodeJS.ProcessEnv): (file: string, previous: string[] | undefined) => string[] {
  return (file, previous) => [...(previous ?? []), ...parseEnvFile(readEnvFile(file), env)];
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

function readEnvFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidArgumentError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/**
 * As docker's --env-file: one variable a line, blank lines and `#` comments skipped,
 * leading whitespace ignored, the value kept as written (no quotes removed); a name alone
 * takes its local value, or is left out when unset there.
 */
export function parseEnvFile(text: string, env: NodeJS.ProcessEnv): string[] {
  const entries: string[] = [];
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trimStart();
    if (line === '' || line.startsWith('#')) continue;
    const name = line.split('=', 1)[0] as string;
    if (/\s/.test(name)) throw new InvalidArgumentError(`variable "${name}" contains whitespace`);
    const entry = parseEnvFlag(line, env);
    if (entry !== undefined) entries.push(entry);
  }
  return entries;
}

export function parseWorkdir(value: string): string {
  if (!value.startsWith('/')) throw new InvalidArgumentError(`"${value}" is not an absolute path of the target`);
  return value;
}

/**
 * Reads the invocation once commander has parsed what stands before the target (it stops
 * there: passThroughOptions). Options between the target and the command (or `--`) are
 * parsed here by the same definitions; the first other word starts the command, and
 * everything from it on is the command's, `--` and dashes included.
 */
export function execInvocation(command: ExecCommand): ExecInvocation {
  const [query, rest] = command.processedArgs;
  const { operands, unknown } = command.parseOptions(rest);
  if (unknown.length > 0) {
    throw new RemoraError('USAGE', `unknown option ${unknown[0]} for remora exec`, {
      hint: 'put the command after --, e.g. remora exec app -- ls -l /target',
    });
  }
  const { user, tty, interactive, workdir, env: envFlags, envFile } = command.opts();
  const env = envFile || envFlags ? [...(envFile ?? []), ...(envFlags ?? [])] : undefined;
  const flags: ExecFlags = { user, tty, interactive, workdir, env };
  for (const key of Object.keys(flags) as (keyof ExecFlags)[]) if (flags[key] === undefined) delete flags[key];
  return { query, cmd: operands, flags };
}
