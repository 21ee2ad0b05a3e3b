// `remora exec <target> [command...]`: its arguments, options and help; the handler is
// run.ts, and args.ts reads the options that come after the target, as docker exec does.
import type { Command } from '@commander-js/extra-typings';
import { defineCommand, type OptionsOf } from '../../define-command.js';
import { withSessionOptions } from '../../option-groups.js';
import { collectEnvFile, collectEnvFlag, parseWorkdir } from './args.js';

const definition = (command: Command) =>
  withSessionOptions(command)
    .option('-u, --user <user>', 'run as this user (name or uid[:gid]) in the toolkit')
    .option('-t, --tty', 'allocate a terminal')
    .option('-i, --interactive', 'forward stdin to the command (without it the command reads nothing, as with docker exec)')
    .option('-w, --workdir <dir>', 'start in this directory of the target (absolute; /target/<dir> in the toolkit)', parseWorkdir)
    .option(
      '-e, --env <KEY=VALUE>',
      'set an environment variable (KEY alone: its local value); repeat for more',
      collectEnvFlag(process.env),
    )
    .option('--env-file <file>', 'read environment variables from a file (KEY=VALUE lines, # comments)', collectEnvFile(process.env))
    .description("run a command in the target's toolkit session (its processes, sockets and /target are visible)")
    .argument('<target>', 'container name, ID, ID prefix, or compose service')
    .argument('[command...]', 'the command and its arguments (after -- when they start with -)')
    .passThroughOptions();

export type ExecCommand = ReturnType<typeof definition>;
export type ExecOptions = OptionsOf<typeof definition>;

export const exec = defineCommand('exec', definition, async () => (await import('./run.js')).runExec);
