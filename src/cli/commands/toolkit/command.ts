// `remora toolkit build`: its arguments, options and help; the handler is run.ts.
import type { Command } from '@commander-js/extra-typings';
import { defineCommand, type OptionsOf } from '../../define-command.js';
import { withImageOptions } from '../../option-groups.js';

const definition = (command: Command) =>
  withImageOptions(command.description('manage the toolkit image').command('build')).description(
    'build the toolkit image from toolkit-image/ (made from Debian packages if the base cannot be pulled)',
  );

export type ToolkitBuildOptions = OptionsOf<typeof definition>;

export const toolkit = defineCommand('toolkit', definition, async () => (await import('./run.js')).toolkitBuildCommand);
