// The command lines behind `remora shell`: a login-like shell in the toolkit whose working
// directory is the target's root (toolkit-scripts/shell.sh), or (`--chroot`) a shell whose
// `/` is the target's root (toolkit-scripts/chroot-shell.sh, which never writes into the
// target).
import { scriptCommand } from '../toolkit-scripts/scripts.js';

/** Tools that busybox does not provide well; each gets a loader wrapper when present. */
const WRAPPED_TOOLS = [
  'strace',
  'gdb',
  'curl',
  'jq',
  'lsof',
  'ss',
  'ip',
  'tcpdump',
  'dig',
  'nslookup',
  'less',
  'file',
  'nc',
  'ps',
  'top',
  'bash',
];

export function shellPrompt(targetName: string, chroot: boolean): string {
  return chroot ? `[remora ${targetName} (chroot)] # ` : `[remora ${targetName}] \\w # `;
}

/** A shell in the toolkit with its working directory at the target's root. */
export function toolkitShellCommand(targetName: string): { cmd: string[]; env: string[] } {
  return { cmd: scriptCommand('shell', []), env: shellEnv(targetName, false) };
}

/** A busybox shell chrooted into the target's root, with the toolkit's tools on PATH. */
export function chrootShellCommand(targetName: string): { cmd: string[]; env: string[] } {
  return { cmd: scriptCommand('chroot-shell', WRAPPED_TOOLS), env: shellEnv(targetName, true) };
}

function shellEnv(targetName: string, chroot: boolean): string[] {
  return [`PS1=${shellPrompt(targetName, chroot)}`, 'TERM=' + (process.env.TERM ?? 'xterm-256color'), `REMORA_TARGET=${targetName}`];
}
