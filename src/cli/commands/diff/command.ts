// `remora diff <target> [path]`: its arguments, options and help; the handler is run.ts.
import type { Command } from '@commander-js/extra-typings';
import { defineCommand, type OptionsOf } from '../../define-command.js';
import { withEngineOptions } from '../../option-groups.js';

const definition = (command: Command) =>
  withEngineOptions(command)
    .description(
      'what a container (running or exited) changed against its image: A added, C changed, D deleted; mounts apart; with PATH, a unified diff of that file',
    )
    .argument('<target>', 'container name, ID, ID prefix, or compose service')
    .argument('[path]', "a file: print a unified diff of the image's version against the container's")
    .option('--json', 'print JSON: changes (path, kind) and mounts; with PATH: path, same, diff');

export type DiffOptions = OptionsOf<typeof definition>;

export const diff = defineCommand('diff', definition, async () => (await import('./run.js')).diffCommand);
