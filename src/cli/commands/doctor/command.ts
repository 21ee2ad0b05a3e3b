// `remora doctor`: its arguments, options and help; the handler is run.ts.
import type { Command } from '@commander-js/extra-typings';
import { defineCommand, type OptionsOf } from '../../define-command.js';
import { withImageOptions } from '../../option-groups.js';

const definition = (command: Command) =>
  withImageOptions(command)
    .description('check the engine, the toolkit image, and that each profile can start a session and trace')
    .option('--json', 'print JSON: ok, checks (name, ok, detail, remedy)');

export type DoctorOptions = OptionsOf<typeof definition>;

export const doctor = defineCommand('doctor', definition, async () => (await import('./run.js')).doctorCommand);
