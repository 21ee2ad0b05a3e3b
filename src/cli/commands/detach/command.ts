// `remora detach [target]`: its arguments, options and help; the handler is run.ts.
import type { Command } from '@commander-js/extra-typings';
import { defineCommand, type OptionsOf } from '../../define-command.js';
import { withEngineOptions } from '../../option-groups.js';

const definition = (command: Command) =>
  withEngineOptions(command)
    .description("end a target's toolkit sessions now (the target keeps running)")
    .argument('[target]', 'container name, ID, ID prefix, or compose service')
    .option('-a, --all', 'end every toolkit session on the engine');

export type DetachOptions = OptionsOf<typeof definition>;

export const detach = defineCommand('detach', definition, async () => (await import('./run.js')).detachCommand);
