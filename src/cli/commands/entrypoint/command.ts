// `remora entrypoint <target>`: its arguments, options and help; the handler is run.ts.
import type { Command } from '@commander-js/extra-typings';
import { defineCommand, type OptionsOf } from '../../define-command.js';
import { withEngineOptions } from '../../option-groups.js';

const definition = (command: Command) =>
  withEngineOptions(command)
    .description('what a container or image runs at start, and what would stop it from starting (exit 1 when something would)')
    .argument('<target>', 'container (any state) or image: name, ID, image:REF')
    .option('--json', 'print JSON: entrypoint, cmd, argv, user, uid, gid, workingDir, program, problems');

export type EntrypointOptions = OptionsOf<typeof definition>;

export const entrypoint = defineCommand('entrypoint', definition, async () => (await import('./run.js')).entrypointCommand);
