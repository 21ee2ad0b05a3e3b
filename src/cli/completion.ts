// Shell completion: what can come next on a remora command line. The shells' scripts
// (completion-scripts.ts) hand the line to the hidden `remora __complete SHELL LINE`, which
// answers from the commander definitions themselves (commands, options, their values) and,
// for targets, from a quick listing of the engine that gives up silently.
import type { CommandUnknownOpts as Command, Option } from '@commander-js/extra-typings';
import { splitDump } from '../core/proc-dump.js';
import { PROFILES, profileByName } from '../core/profiles.js';
import { PROCESS_SORT_KEYS } from '../core/process-table.js';
import { createEngine } from '../engine/create-engine.js';
import { LABEL } from '../core/labels.js';
import { resolveTarget } from '../core/target-resolution.js';
import type { DockerEngine } from '../engine/docker-engine.js';
import { isToolkit, targetFromListing, ToolkitSession } from '../session/toolkit-session.js';
import { scriptExec } from '../toolkit-scripts/scripts.js';

export type Shell = 'bash' | 'zsh' | 'fish';
export const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish'];

/**
 * What the script does with the words: offer them (`words`), or offer them with the local
 * paths that match (`files`). A single candidate ending in `:` or `/` (`app:`) gets no space
 * after it, in every shell.
 */
export type Directive = 'words' | 'files';

export interface Completion {
  directive: Directive;
  words: string[];
}

export interface EngineFlags {
  context?: string;
  host?: string;
}

/** What completion asks the engine; both answer nothing rather than fail or wait. */
export interface LiveSource {
  /** Names a target can be given by: running containers and compose services. */
  targetNames(engine: EngineFlags): Promise<string[]>;
  /** Paths in the target starting with `prefix` (directories end in /), through a session already running. */
  targetPaths(engine: EngineFlags, target: string, prefix: string): Promise<string[]>;
}

/** Commands whose first argument is a target. */
const TARGET_FIRST = new Set(['exec', 'shell', 'ps', 'proc', 'strace', 'net', 'attach', 'detach']);

/** Values of options that have a fixed set. */
const OPTION_VALUES: Record<string, () => string[]> = {
  '--profile': () => Object.keys(PROFILES),
  '--sort': () => [...PROCESS_SORT_KEYS],
};

/** Options whose value is a local file. */
const FILE_OPTIONS = new Set(['--output']);

/** Splits a command line as the shell will (whitespace, quotes, backslashes), well enough for completion. */
export function splitLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  // The word being completed: empty after a space.
  words.push(inWord ? word : '');
  return words;
}

function optionNamed(command: Command, name: string): Option | undefined {
  return command.options.find((o) => o.long === name || o.short === name);
}

function takesValue(option: Option | undefined): boolean {
  return option !== undefined && (option.required || option.optional);
}

function optionNames(command: Command): string[] {
  return command.options.filter((o) => !o.hidden).flatMap((o) => [o.long, o.short].filter((n): n is string => n !== undefined));
}

/**
 * Completes the last word of `words` (the words after `remora`; the last one is the word
 * under the cursor, maybe empty), with `program` holding every command.
 */
export async function complete(program: Command, words: string[], live: LiveSource): Promise<Completion> {
  const current = words[words.length - 1] ?? '';
  const before = words.slice(0, -1);
  const engine: EngineFlags = {};
  const only = (candidates: string[], directive: Directive = 'words'): Completion => ({
    directive,
    words: candidates.filter((w) => w.startsWith(current)),
  });

  // Walk what is already typed: the command, its options (with their values), positionals.
  let command: Command = program;
  const positionals: string[] = [];
  let afterDashes = false;
  for (let i = 0; i < before.length; i++) {
    const word = before[i] as string;
    if (afterDashes) {
      positionals.push(word);
      continue;
    }
    if (word === '--') {
      afterDashes = true;
      continue;
    }
    if (word.startsWith('-') && word.length > 1) {
      const [name, inline] =
        word.startsWith('--') && word.includes('=')
          ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]
          : [word, undefined];
      const option = optionNamed(command, name) ?? optionNamed(program, name);
      if (takesValue(option)) {
        const value = inline ?? before[++i];
        if (option?.long === '--context') engine.context = value;
        if (option?.long === '--host') engine.host = value;
      }
      continue;
    }
    const sub = command.commands.find((c) => c.name() === word);
    if (sub && positionals.length === 0) command = sub;
    else positionals.push(word);
  }

  // The value of an option.
  const previous = before[before.length - 1];
  if (previous !== undefined && !afterDashes) {
    const option = optionNamed(command, previous) ?? optionNamed(program, previous);
    if (takesValue(option)) {
      const long = option?.long ?? '';
      if (FILE_OPTIONS.has(long)) return { directive: 'files', words: [] };
      return only(OPTION_VALUES[long]?.() ?? []);
    }
  }

  if (command === program) {
    if (current.startsWith('-')) return only(optionNames(program));
    return only(program.commands.map((c) => c.name()));
  }
  if (current.startsWith('-') && !afterDashes) return only(optionNames(command));
  if (command.commands.length > 0) return only(command.commands.map((c) => c.name()));

  const name = command.name();
  if (name === 'completion') return positionals.length === 0 ? only([...SHELLS]) : only([]);
  if (name === 'cp') {
    const colon = current.indexOf(':');
    if (colon > 0 && current[colon + 1] === '/') {
      const target = current.slice(0, colon);
      return { directive: 'words', words: (await live.targetPaths(engine, target, current.slice(colon + 1))).map((p) => `${target}:${p}`) };
    }
    if (colon !== -1) return { directive: 'files', words: [] };
    const targets = (await live.targetNames(engine)).map((t) => `${t}:`);
    return { directive: 'files', words: targets.filter((w) => w.startsWith(current)) };
  }
  if (TARGET_FIRST.has(name) && positionals.length === 0 && !afterDashes) return only(await live.targetNames(engine));
  // The command of exec, a pid of proc: nothing Remora can know cheaply.
  return name === 'exec' ? { directive: 'files', words: [] } : only([]);
}

/**
 * bash breaks words at `:` and `=` (COMP_WORDBREAKS), so it replaces only what follows the
 * last of them: the candidates must start there too.
 */
export function forBash(completion: Completion, current: string): Completion {
  const cut = Math.max(current.lastIndexOf(':'), current.lastIndexOf('='));
  if (cut === -1) return completion;
  return { ...completion, words: completion.words.map((w) => w.slice(cut + 1)) };
}

/** The answer as the scripts read it: the directive, then one candidate a line. */
export function formatCompletion(completion: Completion): string {
  return [`:${completion.directive}`, ...completion.words].join('\n') + '\n';
}

/**
 * Cobra's answer, for docker: `docker remora <Tab>` runs `docker-remora __complete remora
 * ARGS... CURRENT` (docker/cli cli-plugins/manager/cobra.go) and reads candidates, then
 * `:N` (cobra's ShellCompDirective: 4 no files, 2 no space, 0 files allowed).
 */
export function formatForCobra(completion: Completion): string {
  const last = completion.words.length === 1 && /[:/]$/.test(completion.words[0] as string);
  const directive = (completion.directive === 'files' ? 0 : 4) | (last ? 2 : 0);
  return [...completion.words, `:${directive}`].join('\n') + '\n';
}

/** `remora __complete SHELL LINE`: prints the answer, or nothing at all when anything fails. */
export async function runCompletion(program: Command, args: string[], live: LiveSource): Promise<void> {
  const [shell = '', line = ''] = args;
  if (shell === 'remora' && args.length > 1) {
    // From docker: the words after `docker remora`, the last one being completed.
    process.stdout.write(formatForCobra(await complete(program, args.slice(1), live)));
    return;
  }
  if (!(SHELLS as readonly string[]).includes(shell)) return;
  // The first word is the command itself (remora, docker-remora, a path to it).
  const words = splitLine(line).slice(1);
  if (words.length === 0) return;
  let completion = await complete(program, words, live);
  if (shell === 'bash') completion = forBash(completion, words[words.length - 1] ?? '');
  process.stdout.write(formatCompletion(completion));
}

/** How long completion waits for the engine: a slow engine must never freeze the prompt. */
const ENGINE_TIMEOUT_MS = 1500;

/** Runs `work` on an engine for at most ENGINE_TIMEOUT_MS; any failure is an empty answer. */
async function withEngine(flags: EngineFlags, work: (engine: DockerEngine) => Promise<string[]>): Promise<string[]> {
  let engine: DockerEngine | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    engine = createEngine(flags);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('engine too slow for completion')), ENGINE_TIMEOUT_MS);
    });
    return await Promise.race([work(engine), timeout]);
  } catch {
    return [];
  } finally {
    clearTimeout(timer);
    engine?.dispose();
  }
}

/** What a shell would act on in a candidate: never offered. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

export const liveSource: LiveSource = {
  /** Running containers by name, and compose services as `service` and `project/service` (as target resolution takes them); toolkits left out. */
  targetNames: (flags) =>
    withEngine(flags, async (engine) => {
      const names = new Set<string>();
      for (const c of await engine.listContainers({})) {
        if (isToolkit(c)) continue;
        names.add(c.name);
        const service = c.labels['com.docker.compose.service'];
        const project = c.labels['com.docker.compose.project'];
        if (service) names.add(service);
        if (service && project) names.add(`${project}/${service}`);
      }
      // Labels may hold anything: a newline would be a candidate of its own to the shell.
      return [...names].filter((n) => !CONTROL_CHARACTER.test(n)).sort();
    }),
  /** Only through a shared session that is already running: completion never starts a toolkit. */
  targetPaths: (flags, query, prefix) =>
    withEngine(flags, async (engine) => {
      const listing = await engine.listContainers({});
      const match = resolveTarget(query, listing);
      const target = targetFromListing(match, listing);
      const toolkit = listing.find(
        (c) =>
          isToolkit(c) &&
          c.state === 'running' &&
          c.labels[LABEL.target] === match.id &&
          c.labels[LABEL.ephemeral] !== 'true' &&
          c.labels[LABEL.profile] !== 'restricted',
      );
      if (!target || !toolkit) return [];
      const profile = profileByName(toolkit.labels[LABEL.profile] ?? 'general');
      const session = new ToolkitSession(engine, toolkit.id, target, profile, toolkit.image, undefined);
      // Names come from the target: any with control characters is dropped before a shell sees it.
      const { cmd, env } = scriptExec('complete-paths', [prefix]);
      const { stdout } = await session.run(cmd, { env });
      return splitDump(stdout)
        .filter((record) => record.path === '@path')
        .map((record) => record.content)
        .filter((p) => p.startsWith('/') && !CONTROL_CHARACTER.test(p));
    }),
};
