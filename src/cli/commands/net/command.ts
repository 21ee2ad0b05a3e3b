// `remora net <target>`: its arguments, options and help; the handler is run.ts.
import type { Command } from '@commander-js/extra-typings';
import { defineCommand, type OptionsOf } from '../../define-command.js';
import { withSessionOptions } from '../../option-groups.js';

const definition = (command: Command) =>
  withSessionOptions(command)
    .description("sockets in the target's network namespace with their processes, listening first")
    .argument('<target>', 'container name, ID, ID prefix, or compose service')
    .option('--json', 'print JSON');

export type NetOptions = OptionsOf<typeof definition>;

export const net = defineCommand('net', definition, async () => (await import('./run.js')).netCommand);
