// `remora attach [target]`: its arguments, options and help; the handler is run.ts.
import type { Command } from '@commander-js/extra-typings';
import { defineCommand, type OptionsOf } from '../../define-command.js';
import { withSessionOptions } from '../../option-groups.js';

const definition = (command: Command) =>
  withSessionOptions(command)
    .description('open the TUI on a target: processes, files, strace, sockets, logs, shell (no target: pick one)')
    .argument('[target]', 'container name, ID, ID prefix, or compose service');

export type AttachOptions = OptionsOf<typeof definition>;

export const attach = defineCommand('attach', definition, async () => (await import('./run.js')).attachCommand);
