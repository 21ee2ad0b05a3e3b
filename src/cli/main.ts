// The program: its own options and help, every command's definition (each in its own
// commands/<name>/command.ts), and the hidden entries for docker and the shells. A command's
// handler is imported only when it runs, so `remora exec` loads no TUI, no dockerode.
import { Command } from '@commander-js/extra-typings';
import { REMORA_VERSION } from '../core/version.js';
import { unfinishedWork } from '../core/before-exit.js';
import { restoreDeferredExtraCa } from '../engine/tls-trust.js';
import { attach } from './commands/attach/command.js';
import { capture } from './commands/capture/command.js';
import { completion } from './commands/completion/command.js';
import { cp } from './commands/cp/command.js';
import { demo } from './commands/demo/command.js';
import { detach } from './commands/detach/command.js';
import { diff } from './commands/diff/command.js';
import { doctor } from './commands/doctor/command.js';
import { entrypoint } from './commands/entrypoint/command.js';
import { exec } from './commands/exec/command.js';
import { net } from './commands/net/command.js';
import { portForward } from './commands/port-forward/command.js';
import { proc } from './commands/proc/command.js';
import { ps } from './commands/ps/command.js';
import { sessions } from './commands/sessions/command.js';
import { shell } from './commands/shell/command.js';
import { strace } from './commands/strace/command.js';
import { targets } from './commands/targets/command.js';
import { toolkit } from './commands/toolkit/command.js';
import { METADATA_SUBCOMMAND, PLUGIN_NAME, pluginMetadata, readPluginCall } from './docker-plugin.js';
import { withEngineOptions } from './option-groups.js';
import { STDOUT_CLOSED_EXIT, stdoutClosed, watchOutputClosed } from './stdout-closed.js';

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

/** Every command, in the order help lists them; each is defined in its own commands/<name>/. */
const COMMANDS = [
  exec,
  shell,
  entrypoint,
  diff,
  targets,
  sessions,
  detach,
  cp,
  ps,
  proc,
  strace,
  net,
  portForward,
  capture,
  attach,
  toolkit,
  doctor,
  completion,
  demo,
];

/** The hidden entry completion scripts call: `remora __complete SHELL LINE`. */
const COMPLETE_ENTRY = '__complete';

export const COMMAND_NAMES = COMMANDS.map((command) => command.name);

/**
 * The program with every command, or with only `only` (the command being run: defining all
 * nineteen costs ~5 ms of CPU on every start, and a command's parse needs its own alone).
 */
export function buildProgram(only?: string) {
  const program = withEngineOptions(
    new Command('remora')
      .description(
        "A debugging toolkit for containers that have none (scratch, distroless): processes, files, strace, sockets, logs and a shell, through a toolkit container that joins the target's namespaces.",
      )
      .version(REMORA_VERSION)
      .enablePositionalOptions()
      .showSuggestionAfterError()
      // Set before the commands are added, so they inherit it: a usage error in any of them
      // (a missing argument) throws to main(), which exits 2, instead of commander's exit 1.
      .exitOverride()
      .addHelpText('after', HELP_FOOTER),
  );
  for (const command of COMMANDS) if (only === undefined || command.name === only) command.addTo(program);
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
  // The first word names the command, unless it is a program option (then all are built).
  const first = args[2];
  const program = buildProgram(first !== undefined && COMMAND_NAMES.includes(first) ? first : undefined);
  if (plugin) program.name(`docker ${PLUGIN_NAME}`);
  try {
    await program.parseAsync(args);
  } catch (error) {
    const exitCode = (error as { exitCode?: number }).exitCode;
    // commander printed its message; help and --version exit 0, usage errors 2.
    process.exitCode = exitCode === 0 ? 0 : 2;
    await exitIfStdoutClosed();
  }
  await unfinishedWork();
}

/** Sets the exit code to 141 if stdout closed under what was written (its EPIPE comes a tick later). */
async function exitIfStdoutClosed(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  if (stdoutClosed()) process.exitCode = STDOUT_CLOSED_EXIT;
}
