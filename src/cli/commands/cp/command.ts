// `remora cp SRC... DEST`: its arguments, options and help; the handler is run.ts.
import type { Command } from '@commander-js/extra-typings';
import { defineCommand, type OptionsOf } from '../../define-command.js';
import { withSessionOptions } from '../../option-groups.js';

const definition = (command: Command) =>
  withSessionOptions(command)
    .description('copy files between a target and the local machine, through the toolkit (tmpfs, volumes and read-only roots included)')
    .argument('<sources...>', 'TARGET:PATH or a local path (- for a tar stream on stdin/stdout); the last one is the destination')
    .option('-L, --follow-link', 'follow symbolic links in the source')
    .option('-a, --archive', 'keep the uid:gid of the files copied in')
    .option('--owner <uid:gid>', 'owner of the files copied in (default: the target main process user)')
    .option('--verify', 'compare SHA-256 of both sides after the copy');

export type CpOptions = OptionsOf<typeof definition>;

export const cp = defineCommand('cp', definition, async () => (await import('./run.js')).cpCommand);
