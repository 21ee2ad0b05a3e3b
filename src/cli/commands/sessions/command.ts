// `remora sessions`: its arguments, options and help; the handler is run.ts.
import type { Command } from '@commander-js/extra-typings';
import { defineCommand, type OptionsOf } from '../../define-command.js';
import { withEngineOptions } from '../../option-groups.js';

const definition = (command: Command) =>
  withEngineOptions(command)
    .description('list toolkit sessions: target, profile, age, idle time, who created them')
    .option('--json', 'print JSON');

export type SessionsOptions = OptionsOf<typeof definition>;

export const sessions = defineCommand('sessions', definition, async () => (await import('./run.js')).sessionsCommand);
