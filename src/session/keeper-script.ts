// The toolkit container's main process. It holds the session open and ends it by itself,
// so no reaper container and no engine socket are ever needed:
//  - idle mode: exits after REMORA_IDLE_SECONDS with no command running and none started
//    (every command Remora runs touches USED_STAMP on its way in, see execWrapper);
//  - stdin mode (`--rm`): exits when its stdin closes, i.e. when the remora process that
//    holds the attach stream ends, however it ends (SIGKILL included).
// It dies with the target too: it lives in the target's PID namespace.
// POSIX sh and builtins only in the loop: it must run on busybox and scan 1,000+ processes
// every few seconds without forking per process.

export const USED_STAMP = '/run/remora-used';
const CHECK_STAMP = '/run/remora-checked';
export const KEEPER_PID_FILE = '/run/remora-keeper.pid';
export const POLL_SECONDS = 5;

export const KEEPER_SCRIPT = `
keeper=$$
mkdir -p /run 2>/dev/null
echo "$keeper" > ${KEEPER_PID_FILE}
ln -sfn "/proc/\${REMORA_TARGET_PID:-1}/root" /target
: > ${USED_STAMP}; chmod 666 ${USED_STAMP}; : > ${CHECK_STAMP}
if [ "\${REMORA_HOLD:-}" = stdin ]; then
  exec cat > /dev/null
fi
idle=\${REMORA_IDLE_SECONDS:-600}
quiet=0
trap 'exit 0' TERM INT
while sleep ${POLL_SECONDS}; do
  busy=
  if [ ${USED_STAMP} -nt ${CHECK_STAMP} ]; then
    busy=1
  else
    for d in /proc/[0-9]*; do
      [ "\${d#/proc/}" = "$keeper" ] && continue
      [ "$d/ns/mnt" -ef "/proc/$keeper/ns/mnt" ] || continue
      read -r stat < "$d/stat" 2>/dev/null || continue
      rest=\${stat##*)}
      set -- $rest
      [ "$2" = "$keeper" ] && continue
      busy=1
      break
    done
  fi
  : > ${CHECK_STAMP}
  if [ -n "$busy" ]; then quiet=0; else quiet=$((quiet + ${POLL_SECONDS})); fi
  [ "$quiet" -ge "$idle" ] && exit 0
done
`.trim();

/**
 * Wraps a command so that starting it marks the session as used, then becomes it (exec):
 * the command keeps its pid, streams and exit status, and 126/127 keep their meaning.
 */
export function execWrapper(cmd: string[]): string[] {
  const script = [
    `[ -w ${USED_STAMP} ] && true > ${USED_STAMP}`,
    // Say it the way a user reads it; 127 as docker and every shell do.
    'command -v "$1" >/dev/null 2>&1 || { echo "remora: $1: command not found in the toolkit" >&2; exit 127; }',
    'exec "$@"',
  ].join('\n');
  return ['/bin/sh', '-c', script, 'remora', ...cmd];
}
