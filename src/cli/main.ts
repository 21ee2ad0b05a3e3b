// Commander wiring: names, options and help for every command. Each command's code is
// imported only when that command runs, so `remora exec` loads no TUI, no dockerode.
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { REMORA_VERSION } from '../core/version.js';
import { restoreDeferredExtraCa } from '../engine/tls-trust.js';
import { METADATA_SUBCOMMAND, PLUGIN_NAME, pluginMetadata, readPluginCall } from './docker-plugin.js';
import { runAction } from './edge.js';
import { STDOUT_CLOSED_EXIT, stdoutClosed, watchOutputClosed } from './stdout-closed.js';
import type { GlobalOptions } from './global-options.js';
import { DEFAULT_IDLE, withEngineOptions, withImageOptions, withSessionOptions } from './option-groups.js';
import { exec } from './commands/exec/command.js';
import { ps } from './commands/ps/command.js';
import { capture } from './commands/capture/command.js';
import { portForward } from './commands/port-forward/command.js';
import { strace } from './commands/strace/command.js';
import { cp } from './commands/cp/command.js';
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
  cp: (program) => cp.addTo(program),
  ps: (program) => ps.addTo(program),
  proc: (program) => proc.addTo(program),
  strace: (program) => strace.addTo(program),
  net: (program) => net.addTo(program),
  'port-forward': (program) => portForward.addTo(program),
  capture: (program) => capture.addTo(program),
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
