// `remora targets`: its arguments, options and help; the handler is run.ts.
import type { Command } from '@commander-js/extra-typings';
import { defineCommand, type OptionsOf } from '../../define-command.js';
import { withEngineOptions } from '../../option-groups.js';

const definition = (command: Command) =>
  withEngineOptions(command)
    .description('list containers you can attach to: state, user, whether they have a shell, sessions')
    .option('-a, --all', 'include stopped containers')
    .option('--json', 'print JSON: id, name, image, state, user, hasShell, sessions');

export type TargetsOptions = OptionsOf<typeof definition>;

export const targets = defineCommand('targets', definition, async () => (await import('./run.js')).targetsCommand);
