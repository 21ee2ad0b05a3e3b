// `remora capture <target> [filter...]`: its arguments, options and help; the handler is run.ts.
import type { Command } from '@commander-js/extra-typings';
import { defineCommand, type OptionsOf } from '../../define-command.js';
import { DEFAULT_IDLE, withImageOptions, withLimitOptions } from '../../option-groups.js';

const definition = (command: Command) =>
  withLimitOptions(withImageOptions(command))
    .description(
      "capture the target's packets as pcap, to a file or to stdout for Wireshark (a toolkit with NET_RAW, NET_ADMIN and SETGID only)",
    )
    .argument('<target>', 'container name, ID, ID prefix, or compose service')
    .argument('[filter...]', 'a BPF filter, as tcpdump takes it (e.g. tcp port 5432)')
    .option('-i, --interface <name>', "interface in the target's network namespace", 'any')
    .option('-c, --count <n>', 'stop after this many packets')
    .option('--duration <duration>', 'stop after this long (e.g. 30s)')
    .option('-s, --snaplen <bytes>', 'bytes to keep of each packet (default: all)')
    .option(
      '-w, --write <file>',
      'write pcap to this file, complete when remora stops; - for stdout (the default when stdout is not a terminal)',
    )
    .option('--idle <duration>', 'end the capture toolkit after this long with no command running', DEFAULT_IDLE)
    .option('--rm', 'use a toolkit of this command alone, removed when it ends (even if remora is killed)')
    .addHelpText(
      'after',
      `
Stops at -c, --duration or Ctrl-C, with the file complete and readable. A running packet
count is shown on stderr when it is a terminal. Nothing is written into the target.

Examples:
  remora capture app -w app.pcap -c 100 tcp port 8080
  remora capture app -w - | wireshark -k -i -
  remora capture app --duration 30s -w dns.pcap udp port 53`,
    );

export type CaptureOptions = OptionsOf<typeof definition>;

export const capture = defineCommand('capture', definition, async () => (await import('./run.js')).captureCommand);
