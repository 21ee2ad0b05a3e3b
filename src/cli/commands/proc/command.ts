// `remora proc <target> [pid]`: its arguments, options and help; the handler is run.ts.
import type { Command } from '@commander-js/extra-typings';
import { defineCommand, type OptionsOf } from '../../define-command.js';
import { withSessionOptions } from '../../option-groups.js';

const definition = (command: Command) =>
  withSessionOptions(command)
    .description('one process in depth: executable, cwd, environment (secrets masked), ids, capabilities, fds, limits, cgroup, namespaces')
    .argument('<target>', 'container name, ID, ID prefix, or compose service')
    .argument('[pid]', "process ID in the target's PID namespace (default: its main process)")
    .option('--show-secrets', 'do not mask environment values whose names look secret')
    .option('--json', 'print JSON');

export type ProcOptions = OptionsOf<typeof definition>;

export const proc = defineCommand('proc', definition, async () => (await import('./run.js')).procCommand);
