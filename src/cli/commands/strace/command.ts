// `remora strace <target> [command...]`: its arguments, options and help; the handler is run.ts.
import type { Command } from '@commander-js/extra-typings';
import { defineCommand, type OptionsOf } from '../../define-command.js';
import { withSessionOptions } from '../../option-groups.js';

const definition = (command: Command) =>
  withSessionOptions(command)
    .description("trace system calls of the target's main process (with threads and children) or of given pids")
    .argument('<target>', 'container name, ID, ID prefix, or compose service; with --from-start also an exited container or an image')
    .argument('[command...]', "with --from-start: the program to run instead of the target's entrypoint and command (after --)")
    .option('-p, --pid <pid...>', 'trace these pids instead of the main process')
    .option('-e, --expr <expr...>', 'strace expressions, passed through (e.g. trace=file)')
    .option('-c, --summary', 'count calls and print a summary table at the end')
    .option('--duration <duration>', 'stop after this long (e.g. 10s)')
    .option('-o, --output <file>', 'write the trace to a local file')
    .option('--from-start', "run the target's program afresh in a stand-in, traced from its first instruction; exits with its status");

export type StraceOptions = OptionsOf<typeof definition>;

export const strace = defineCommand('strace', definition, async () => (await import('./run.js')).straceCommand);
