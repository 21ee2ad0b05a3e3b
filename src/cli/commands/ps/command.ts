// `remora ps <target>`: its arguments, options and help; the handler is run.ts.
import type { Command } from '@commander-js/extra-typings';
import { defineCommand, type OptionsOf } from '../../define-command.js';
import { withSessionOptions } from '../../option-groups.js';

const definition = (command: Command) =>
  withSessionOptions(command)
    .description("list the target's processes (users from the target's /etc/passwd, %CPU over each process's life, as ps)")
    .argument('<target>', 'container name, ID, ID prefix, or compose service')
    .option('--tree', 'show the process tree')
    .option('--sort <key>', 'sort by pid, cpu, rss (memory), name, started', 'pid')
    .option('--all', "include the toolkit's own processes (marked)")
    .option('--interval <duration>', 'measure %CPU over this sample instead (e.g. 1s, 500ms), as top does')
    .option('--json', 'print JSON: pid, ppid, user, uid, state, cpu, rssKiB, threads, startedAt, command');

export type PsOptions = OptionsOf<typeof definition>;

export const ps = defineCommand('ps', definition, async () => (await import('./run.js')).psCommand);
