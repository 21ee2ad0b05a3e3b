// `remora shell <target>`: its arguments, options and help; the handler is run.ts.
import type { Command } from '@commander-js/extra-typings';
import { defineCommand, type OptionsOf } from '../../define-command.js';
import { withSessionOptions } from '../../option-groups.js';

const definition = (command: Command) =>
  withSessionOptions(command)
    .description("an interactive shell in the toolkit, starting at the target's root (/target)")
    .argument('<target>', 'container name, ID, ID prefix, or compose service')
    .option('--chroot', "a shell whose / is the target's filesystem, toolkit tools still on PATH; writes nothing into the target")
    .option('-u, --user <user>', 'run the shell as this user');

export type ShellOptions = OptionsOf<typeof definition>;

export const shell = defineCommand('shell', definition, async () => (await import('./run.js')).shellCommand);
