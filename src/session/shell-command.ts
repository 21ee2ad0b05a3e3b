// The command lines behind `remora shell`: a login-like shell in the toolkit whose working
// directory is the target's root, or (`--chroot`) a shell whose `/` is the target's root.
//
// The chroot never writes into the target: the shell is the toolkit's static busybox, run
// from the toolkit's own filesystem through the magic link /proc/<keeper>/root, and every
// other toolkit tool is reached through small wrappers in the toolkit's /run that call the
// toolkit's own ELF loader with the toolkit's libraries. So it works on a read-only rootfs
// and on a scratch target with no libc at all.
import { KEEPER_PID_FILE } from './keeper-script.js';

export const CHROOT_BUSYBOX = '/opt/remora/bin/busybox';
const CHROOT_DIR = '/run/remora-chroot';

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
  const script = [
    'cd /target 2>/dev/null || echo "remora: the target root is not reachable with this profile; staying in the toolkit" >&2',
    'if command -v bash >/dev/null 2>&1; then exec bash --norc --noprofile -i; fi',
    'exec sh -i',
  ].join('\n');
  return {
    cmd: ['/bin/sh', '-c', script],
    env: [`PS1=${shellPrompt(targetName, false)}`, 'TERM=' + (process.env.TERM ?? 'xterm-256color'), `REMORA_TARGET=${targetName}`],
  };
}

/** A busybox shell chrooted into the target's root, with the toolkit's tools on PATH. */
export function chrootShellCommand(targetName: string): { cmd: string[]; env: string[] } {
  const tools = WRAPPED_TOOLS.join(' ');
  // Runs in the toolkit before the chroot; writes only under the toolkit's own /run.
  const script = `
set -e
[ -x ${CHROOT_BUSYBOX} ] || { echo "remora: --chroot needs a static busybox at ${CHROOT_BUSYBOX} in the toolkit image" >&2; exit 127; }
n=0; while [ ! -s ${KEEPER_PID_FILE} ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
k=$(cat ${KEEPER_PID_FILE})
via=/proc/$k/root
bin=${CHROOT_DIR}/bin
if [ ! -d "$bin" ]; then
  mkdir -p "$bin.tmp"
  for applet in $(${CHROOT_BUSYBOX} --list); do ln -sf "$via${CHROOT_BUSYBOX}" "$bin.tmp/$applet"; done
  # Real paths: Debian's loader is an absolute symlink, which inside the chroot would
  # resolve against the target's root.
  loader=$(readlink -f "$(ls /lib64/ld-linux-*.so.* /lib/ld-linux-*.so.* /lib/ld-musl-*.so.* 2>/dev/null | head -n 1)")
  libs=$(for d in /lib/*-linux-gnu /usr/lib/*-linux-gnu; do [ -d "$d" ] && readlink -f "$d"; done | sort -u | sed "s|^|$via|" | tr '\\n' ':')
  for tool in ${tools}; do
    path=$(command -v "$tool" 2>/dev/null) || continue
    case "$path" in /opt/remora/*) continue ;; /*) path=$(readlink -f "$path") ;; *) continue ;; esac
    # Replace the busybox applet link of the same name; writing through it would
    # overwrite busybox itself.
    rm -f "$bin.tmp/$tool"
    printf '#!%s sh\\nexec %s --library-path %s %s "$@"\\n' "$via${CHROOT_BUSYBOX}" "$via$loader" "$libs" "$via$path" > "$bin.tmp/$tool"
    chmod 755 "$bin.tmp/$tool"
  done
  mv "$bin.tmp" "$bin" 2>/dev/null || rm -rf "$bin.tmp"
fi
export PATH="$via$bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export HOME=/
exec chroot /target "$via${CHROOT_BUSYBOX}" sh -i
`.trim();
  return {
    cmd: ['/bin/sh', '-c', script],
    env: [`PS1=${shellPrompt(targetName, true)}`, 'TERM=' + (process.env.TERM ?? 'xterm-256color'), `REMORA_TARGET=${targetName}`],
  };
}
