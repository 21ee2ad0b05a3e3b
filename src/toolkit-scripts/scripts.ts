// The programs Remora runs in a toolkit container: the POSIX-sh files beside this one,
// bundled into the CLI as text and sent with each exec, so they run in any toolkit image
// (Remora's, or one given with --toolkit-image that has nothing but a POSIX shell).
// They live here rather than in toolkit-image/ because no image has them: they change
// with the CLI, not with the image. `npm run lint:sh` shellchecks them. Pure.
import chrootShell from './chroot-shell.sh';
import common from './common.sh';
import completePaths from './complete-paths.sh';
import doctorProbe from './doctor-probe.sh';
import execWrapper from './exec-wrapper.sh';
import keeper from './keeper.sh';
import keeperLauncher from './keeper-launcher.sh';
import listDirectory from './list-directory.sh';
import net from './net.sh';
import oneShot from './one-shot.sh';
import previewFile from './preview-file.sh';
import proc from './proc.sh';
import ps from './ps.sh';
import shell from './shell.sh';
import signalTagged from './signal-tagged.sh';
import strace from './strace.sh';
import straceKill from './strace-kill.sh';
import straceProbe from './strace-probe.sh';
import straceThreads from './strace-threads.sh';
import targetPid from './target-pid.sh';

const SCRIPTS = {
  'chroot-shell': chrootShell,
  'complete-paths': completePaths,
  'doctor-probe': doctorProbe,
  'exec-wrapper': execWrapper,
  keeper,
  'list-directory': listDirectory,
  net,
  'one-shot': oneShot,
  'preview-file': previewFile,
  proc,
  ps,
  shell,
  'signal-tagged': signalTagged,
  strace,
  'strace-kill': straceKill,
  'strace-probe': straceProbe,
  'strace-threads': straceThreads,
  'target-pid': targetPid,
} as const;

/** Touched by every command Remora runs in a session: when the session was last used. */
export const USED_STAMP = '/run/remora-used';
/** Where remora-serve (a shared session's control server) writes its pid, for keeper.sh. */
export const SERVER_PID_FILE = '/run/remora-serve.pid';
/** proc.sh's exit status when the process asked for does not exist. */
export const PROCESS_GONE_STATUS = 3;

export type ToolkitScriptName = keyof typeof SCRIPTS;

/** A script as it runs: common.sh (shared paths and functions), then the script itself. */
export function toolkitScript(name: ToolkitScriptName): string {
  return `${common}\n${SCRIPTS[name]}`;
}

/**
 * An exec of a script with a short command line: the script travels in the environment,
 * so `ps --all` and the target's processes (which can read the toolkit's argv) see
 * "sh -c eval ... remora-ps ARGS", not pages of shell. ARGS are the script's positional
 * parameters, never part of its text.
 */
export function scriptExec(name: ToolkitScriptName, args: Array<string | number>): { cmd: string[]; env: string[] } {
  return {
    cmd: ['sh', '-c', 'eval "$REMORA_SCRIPT"', `remora-${name}`, ...args.map(String)],
    env: [`REMORA_SCRIPT=${toolkitScript(name)}`],
  };
}

/**
 * `sh -c SCRIPT remora ARGS...`: for a script that becomes the user's program at once
 * (exec), which then has its own command line and an environment without the script.
 * The shell's own errors ("exec: ./x: Permission denied") are said as remora's.
 */
export function scriptCommand(name: ToolkitScriptName, args: string[]): string[] {
  return ['/bin/sh', '-c', toolkitScript(name), 'remora', ...args];
}

/**
 * The toolkit container's command: keeper-launcher.sh, on its own (it only starts the
 * keeper, whose script goes in REMORA_KEEPER_SCRIPT), so `docker ps` shows what it is.
 */
export const KEEPER_COMMAND = ['/bin/sh', '-c', keeperLauncher, 'remora-keeper'];

/** The environment entry that carries keeper.sh to keeper-launcher.sh. */
export const KEEPER_SCRIPT_ENV = `REMORA_KEEPER_SCRIPT=${toolkitScript('keeper')}`;
