// Runs one of Remora's POSIX-sh scripts in the toolkit with a short command line: the
// script travels in the environment, so `ps --all` and the target's processes (which can
// read the toolkit's argv) see "sh -c eval ... remora-ps", not pages of shell.
import { ACCOUNTS_MAX_BYTES } from '../core/proc-parsers.js';
import type { ExecOptions } from '../engine/types.js';
import { KEEPER_PID_FILE } from '../session/keeper-script.js';
import { FS_HELPER, HELPER_EXIT } from './fs-helper.js';

export function scriptExec(name: string, script: string, args: Array<string | number>): Pick<ExecOptions, 'cmd' | 'env'> {
  return { cmd: ['sh', '-c', 'eval "$REMORA_SCRIPT"', name, ...args.map(String)], env: [`REMORA_SCRIPT=${script}`] };
}

/**
 * Shell test: is the process at DIR (/proc/N) one of a Remora toolkit? Ours share our mount
 * namespace; those of other sessions on the same target (another profile's) have the
 * keeper's pid file in their root (one of theirs that chrooted into the target is missed).
 * Builtin tests only, no fork: 1,000+ processes cost milliseconds.
 */
export function toolkitProcessTest(dir: string): string {
  return `[ "${dir}/ns/mnt" -ef /proc/self/ns/mnt ] || [ -e "${dir}/root${KEEPER_PID_FILE}" ]`;
}

/** Shell that writes "@toolkit:PID\0" for every process of a Remora toolkit. */
export const TOOLKIT_PIDS_SNIPPET = `
for d in /proc/[0-9]*; do
  if ${toolkitProcessTest('$d')}; then printf '@toolkit:%s\\0' "\${d#/proc/}"; fi
done 2>/dev/null
`.trim();

/**
 * Shell that writes "ROOT/etc/NAME:CONTENT\0" for each of the target's account files (as
 * `grep -azsH ''` would), ROOT being the value of $root. Read with remora-fs, the kernel
 * resolves the name inside the target's root, so an absolute symlink there (/etc/passwd ->
 * /nix/store/...) is the target's file, not the toolkit's. Without remora-fs (another
 * toolkit image) or openat2 (a kernel before 5.6), straight through /proc/N/root. Either
 * way only a regular file is read (a FIFO or /dev/zero planted as passwd would hang or
 * never end), and at most ACCOUNTS_MAX_BYTES of it (parsePasswd keeps its whole lines).
 */
export function targetAccountsSnippet(names: Array<'passwd' | 'group'>): string {
  return `
for f in ${names.join(' ')}; do
  rc=127
  if [ -x ${FS_HELPER} ]; then c=$(${FS_HELPER} read -L -a "$root" "/etc/$f" 2>/dev/null); rc=$?; fi
  if [ "$rc" -eq 0 ]; then printf '%s:%s\\n\\0' "$root/etc/$f" "$c"
  elif { [ "$rc" -eq 127 ] || [ "$rc" -eq ${HELPER_EXIT.NO_OPENAT2} ]; } && [ -f "$root/etc/$f" ]; then
    printf '%s:' "$root/etc/$f"; head -c ${ACCOUNTS_MAX_BYTES} "$root/etc/$f" 2>/dev/null; printf '\\0'
  fi
done
`.trim();
}
