// `remora demo`: its arguments, options and help; the handler is run.ts.
import type { Command } from '@commander-js/extra-typings';
import { defineCommand, type OptionsOf } from '../../define-command.js';
import { withSessionOptions } from '../../option-groups.js';

const definition = (command: Command) =>
  withSessionOptions(command)
    .description('start a shell-less demo container and attach to it')
    .option('--keep', 'leave the demo container running afterwards (remove it with: docker rm -f remora-demo)');

export type DemoOptions = OptionsOf<typeof definition>;

export const demo = defineCommand('demo', definition, async () => (await import('./run.js')).demoCommand);
