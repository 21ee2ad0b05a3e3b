// `remora port-forward <target> <ports...>`: its arguments, options and help; the handler is run.ts.
import type { Command } from '@commander-js/extra-typings';
import { defineCommand, type OptionsOf } from '../../define-command.js';
import { withSessionOptions } from '../../option-groups.js';

const definition = (command: Command) =>
  withSessionOptions(command)
    .description('forward local ports to ports of the target, its loopback-only ones included (TCP only; UDP is not forwarded)')
    .argument('<target>', 'container name, ID, ID prefix, or compose service')
    .argument('<ports...>', '[LOCAL_ADDR:]LOCAL_PORT:REMOTE_PORT, PORT (same on both sides) or :REMOTE_PORT (a free local port)')
    .option('--address <addresses>', 'local addresses to listen on, comma-separated (localhost means 127.0.0.1 and ::1)', '127.0.0.1')
    .option('--remote-address <address>', "address to connect to in the target's network namespace", '127.0.0.1')
    .addHelpText(
      'after',
      `
Each local connection is relayed through the engine connection by a small helper in the
toolkit that connects to REMOTE_ADDRESS:REMOTE_PORT from inside the target's network
namespace; nothing listens in the target. Runs until Ctrl-C; exits 3 if the target stops.

Examples:
  remora port-forward app 6060            localhost:6060 -> app's 127.0.0.1:6060 (pprof)
  remora port-forward app 8080:80 :9090   two forwards, the second on a free local port
  remora port-forward app --address 0.0.0.0 5432`,
    );

export type PortForwardOptions = OptionsOf<typeof definition>;

export const portForward = defineCommand('port-forward', definition, async () => (await import('./run.js')).portForwardCommand);
