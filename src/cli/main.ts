// Commander wiring: names, options and help for every command. Each command's code is
// imported only when that command runs, so `remora exec` loads no TUI, no dockerode.
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { REMORA_VERSION } from '../core/version.js';
import { restoreDeferredExtraCa } from '../engine/tls-trust.js';
import { METADATA_SUBCOMMAND, PLUGIN_NAME, pluginMetadata, readPluginCall } from './docker-plugin.js';
import { runAction } from './edge.js';
import { STDOUT_CLOSED_EXIT, stdoutClosed, watchOutputClosed } from './stdout-closed.js';
import type { GlobalOptions } from './global-options.js';
import { DEFAULT_IDLE, withEngineOptions, withImageOptions, withLimitOptions, withSessionOptions } from './option-groups.js';
import { exec } from './commands/exec/command.js';
import { ps } from './commands/ps/command.js';
import { net } from './commands/net/command.js';
import { proc } from './commands/proc/command.js';
import { detach } from './commands/detach/command.js';
import { sessions } from './commands/sessions/command.js';
import { targets } from './commands/targets/command.js';
import { diff } from './commands/diff/command.js';
import { entrypoint } from './commands/entrypoint/command.js';
import { shell } from './commands/shell/command.js';

type Action = (globals: GlobalOptions, command: CommandUnknownOpts) => Promise<number | void>;

const HELP_FOOTER = `
Exit codes:
  0  success            1  the operation failed      2  usage error
  3  target not found, ambiguous or not running (or stopped during port-forward, capture)
  4  engine unreachable or toolkit image unavailable
  exec: the command's own status; 125 could not start, 126 not executable, 127 not found
  141  stdout closed by its reader (| head): stopped quietly

Examples:
  remora demo                        start a shell-less demo container and attach to it
  remora attach app                  the TUI: processes, files, strace, sockets, logs
  remora exec app -- ss -ltnp        a toolkit command in app's namespaces
  remora shell app --chroot          a shell whose / is app's filesystem
  remora cp app:/var/log/app.log .   copy out (tmpfs and volumes included)`;

/** Wraps an action: merged options in, exit code out, errors printed once at the edge. */
function act(action: Action): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as CommandUnknownOpts;
    const globals = { ...command.optsWithGlobals() } as GlobalOptions;
    globals.profile ??= 'general';
    globals.idle ??= DEFAULT_IDLE;
    process.exitCode = await runAction(() => action(globals, command), globals.debug ?? false);
  };
}

/**
 * Every command, by name. Each handler is loaded only when its command runs.
 */
const COMMANDS: Record<string, (program: CommandUnknownOpts) => void> = {
  exec: (program) => exec.addTo(program),
  shell: (program) => shell.addTo(program),
  entrypoint: (program) => entrypoint.addTo(program),
  diff: (program) => diff.addTo(program),
  targets: (program) => targets.addTo(program),
  sessions: (program) => sessions.addTo(program),
  detach: (program) => detach.addTo(program),
  cp(program) {
    withSessionOptions(program.command('cp'))
      .description('copy files between a target and the local machine, through the toolkit (tmpfs, volumes and read-only roots included)')
      .argument('<sources...>', 'TARGET:PATH or a local path (- for a tar stream on stdin/stdout); the last one is the destination')
      .option('-L, --follow-link', 'follow symbolic links in the source')
      .option('-a, --archive', 'keep the uid:gid of the files copied in')
      .option('--owner <uid:gid>', 'owner of the files copied in (default: the target main process user)')
      .option('--verify', 'compare SHA-256 of both sides after the copy')
      .action(
        act(async (globals, command) => {
          const { cpCommand } = await import('./commands/cp/run.js');
          return cpCommand(globals, command.processedArgs[0] as string[], command.opts());
        }),
      );
  },
  ps: (program) => ps.addTo(program),
  proc: (program) => proc.addTo(program),
  strace(program) {
    withSessionOptions(program.command('strace'))
      .description("trace system calls of the target's main process (with threads and children) or of given pids")
      .argument('<target>', 'container name, ID, ID prefix, or compose service; with --from-start also an exited container or an image')
      .argument('[command...]', "with --from-start: the program to run instead of the target's entrypoint and command (after --)")
      .option('-p, --pid <pid...>', 'trace these pids instead of the main process')
      .option('-e, --expr <expr...>', 'strace expressions, passed through (e.g. trace=file)')
      .option('-c, --summary', 'count calls and print a summary table at the end')
      .option('--duration <duration>', 'stop after this long (e.g. 10s)')
      .option('-o, --output <file>', 'write the trace to a local file')
      .option('--from-start', "run the target's program afresh in a stand-in, traced from its first instruction; exits with its status")
      .action(
        act(async (globals, command) => {
          const [query, rest] = command.processedArgs as [string, string[]];
          const { straceCommand } = await import('./commands/strace/run.js');
          return straceCommand(globals, query, { ...command.opts(), command: rest[0] === '--' ? rest.slice(1) : rest });
        }),
      );
  },
  net: (program) => net.addTo(program),
  'port-forward'(program) {
    withSessionOptions(program.command('port-forward'))
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
      )
      .action(
        act(async (globals, command) => {
          const { portForwardCommand } = await import('./commands/port-forward/run.js');
          const [query, ports] = command.processedArgs as [string, string[]];
          return portForwardCommand(globals, query, ports, command.opts());
        }),
      );
  },
  capture(program) {
    withLimitOptions(withImageOptions(program.command('capture')))
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
      )
      .action(
        act(async (globals, command) => {
          const { captureCommand } = await import('./commands/capture/run.js');
          const [query, filter] = command.processedArgs as [string, string[]];
          return captureCommand(globals, query, filter, command.opts());
        }),
      );
  },
  attach(program) {
    withSessionOptions(program.command('attach'))
      .description('open the TUI on a target: processes, files, strace, sockets, logs, shell (no target: pick one)')
      .argument('[target]', 'container name, ID, ID prefix, or compose service')
      .action(
        act(async (globals, command) => {
          const { attachCommand } = await import('./commands/attach/run.js');
          return attachCommand(globals, command.processedArgs[0] as string | undefined);
        }),
      );
  },
  toolkit(program) {
    withImageOptions(program.command('toolkit').description('manage the toolkit image').command('build'))
      .description('build the toolkit image from toolkit-image/ (made from Debian packages if the base cannot be pulled)')
      .action(
        act(async (globals) => {
          const { toolkitBuildCommand } = await import('./commands/toolkit/run.js');
          return toolkitBuildCommand(globals, { force: true });
        }),
      );
  },
  doctor(program) {
    withImageOptions(program.command('doctor'))
      .description('check the engine, the toolkit image, and that each profile can start a session and trace')
      .option('--json', 'print JSON: ok, checks (name, ok, detail, remedy)')
      .action(
        act(async (globals, command) => {
          const { doctorCommand } = await import('./commands/doctor/run.js');
          return doctorCommand(globals, command.opts());
        }),
      );
  },
  completion(program) {
    program
      .command('completion')
      .description('print a shell completion script (commands, options, profiles, live target names)')
      .argument('<shell>', 'bash, zsh or fish')
      .addHelpText(
        'after',
        '\nInstall:\n  bash  source <(remora completion bash)          (in ~/.bashrc)\n  zsh   source <(remora completion zsh)           (in ~/.zshrc, after compinit)\n  fish  remora completion fish > ~/.config/fish/completions/remora.fish',
      )
      .action(
        act(async (_globals, command) => {
          const { completionCommand } = await import('./commands/completion/run.js');
          return completionCommand(command.processedArgs[0] as string);
        }),
      );
  },
  demo(program) {
    withSessionOptions(program.command('demo'))
      .description('start a shell-less demo container and attach to it')
      .option('--keep', 'leave the demo container running afterwards (remove it with: docker rm -f remora-demo)')
      .action(
        act(async (globals, command) => {
          const { demoCommand } = await import('./commands/demo/run.js');
          return demoCommand(globals, command.opts());
        }),
      );
  },
};

/** The hidden entry completion scripts call: `remora __complete SHELL LINE`. */
const COMPLETE_ENTRY = '__complete';

export const COMMAND_NAMES = Object.keys(COMMANDS);

/** The program with every command. */
export function buildProgram(): Command {
  const program = new Command('remora')
    .description(
      "A debugging toolkit for containers that have none (scratch, distroless): processes, files, strace, sockets, logs and a shell, through a toolkit container that joins the target's namespaces.",
    )
    .version(REMORA_VERSION)
    .enablePositionalOptions()
    .showSuggestionAfterError()
    // Set before the commands are added, so they inherit it: a usage error in any of them
    // (a missing argument) throws to main(), which exits 2, instead of commander's exit 1.
    .exitOverride()
    .addHelpText('after', HELP_FOOTER);
  withEngineOptions(program);

  for (const define of Object.values(COMMANDS)) define(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  restoreDeferredExtraCa();
  // What is written outside runAction (help, --version, completion answers) ends as quietly
  // as a command's output when the reader goes away: `remora --help | head -c1` exits 141.
  watchOutputClosed();
  if (argv[2] === METADATA_SUBCOMMAND) {
    process.stdout.write(`${JSON.stringify(pluginMetadata())}\n`);
    return await exitIfStdoutClosed();
  }
  if (argv[2] === COMPLETE_ENTRY) {
    // Hidden: the shells' completion scripts call it. It prints nothing on any failure.
    const { runCompletion, liveSource } = await import('./completion.js');
    await runCompletion(buildProgram(), argv.slice(3), liveSource).catch(() => undefined);
    return await exitIfStdoutClosed();
  }
  const plugin = readPluginCall(argv.slice(2));
  if (plugin?.dockerConfig !== undefined) process.env.DOCKER_CONFIG = plugin.dockerConfig;
  const args = plugin ? [...argv.slice(0, 2), ...plugin.args] : argv;
  const program = buildProgram();
  if (plugin) program.name(`docker ${PLUGIN_NAME}`);
  try {
    await program.parseAsync(args);
  } catch (error) {
    const exitCode = (error as { exitCode?: number }).exitCode;
    // commander printed its message; help and --version exit 0, usage errors 2.
    process.exitCode = exitCode === 0 ? 0 : 2;
    await exitIfStdoutClosed();
  }
}

/** Sets the exit code to 141 if stdout closed under what was written (its EPIPE comes a tick later). */
async function exitIfStdoutClosed(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  if (stdoutClosed()) process.exitCode = STDOUT_CLOSED_EXIT;
}
