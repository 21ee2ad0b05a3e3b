// The toolkit container's main process. It holds the session open and ends it by itself,
// so no reaper container and no engine socket are ever needed:
//  - idle mode: exits after REMORA_IDLE_SECONDS with no command running and none started
//    (every command Remora runs touches USED_STAMP on its way in, see execWrapper);
//  - stdin mode (`--rm`): exits when its stdin closes, i.e. when the remora process that
//    holds the attach stream ends, however it ends (SIGKILL included).
// It dies with the target too: it lives in the target's PID namespace.
// Builtins only in the loop: it must scan 1,000+ processes every few seconds without
// forking, and must never leave a child behind (see KEEPER_LAUNCHER).

export const USED_STAMP = '/run/remora-used';
const CHECK_STAMP = '/run/remora-checked';
export const KEEPER_PID_FILE = '/run/remora-keeper.pid';
export const POLL_SECONDS = 5;

const TICK_FIFO = '/run/remora-tick';
/** How long (in tenths of a second) an ended `--rm` session's commands get to stop after SIGTERM. */
const STOP_TRIES = 50;

/** Makes /target the target's root; run by the keeper, and by a command that comes first. */
const LINK_TARGET = 'ln -sfn "/proc/${REMORA_TARGET_PID:-1}/root" /target';

export const KEEPER_SCRIPT = `
keeper=$$
mkdir -p /run 2>/dev/null
echo "$keeper" > ${KEEPER_PID_FILE}
${LINK_TARGET}
: > ${USED_STAMP}; chmod 666 ${USED_STAMP}; : > ${CHECK_STAMP}
if [ "\${REMORA_NAP:-}" = read ] && { [ -p ${TICK_FIFO} ] || mkfifo ${TICK_FIFO}; }; then
  exec 9<>${TICK_FIFO}
  nap() { read -t "\${1:-${POLL_SECONDS}}" _ <&9; }
else
  nap() { sleep "\${1:-${POLL_SECONDS}}"; }
fi
if [ "\${REMORA_HOLD:-}" = stdin ]; then
  # The builtin read, not cat: no child that could outlive the keeper (see KEEPER_LAUNCHER).
  while IFS= read -r _; do :; done
  # remora is gone, however it ended. The engine SIGKILLs what is left once we exit, so
  # the session's commands get SIGTERM first and a moment to end: a copy in flight then
  # removes its temporary from the target, as it does when remora dies without --rm.
  tries=0
  while [ "$tries" -lt ${STOP_TRIES} ]; do
    left=
    for d in /proc/[0-9]*; do
      [ "\${d#/proc/}" = "$keeper" ] && continue
      [ "$d/ns/mnt" -ef "/proc/$keeper/ns/mnt" ] || continue
      left=1
      [ "$tries" -eq 0 ] && kill -TERM "\${d#/proc/}" 2>/dev/null
    done
    [ -z "$left" ] && break
    tries=$((tries + 1))
    nap 0.1
  done
  exit 0
fi
idle=\${REMORA_IDLE_SECONDS:-600}
quiet=0
trap 'exit 0' TERM INT
while :; do
  nap
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
 * Starts the keeper in a shell whose `read -t` lets it wait without a child process.
 * A child matters: the toolkit shares the target's PID namespace, so a child that outlives
 * the keeper (as a `sleep` does when the toolkit is removed) is re-parented to the target's
 * PID 1, which in a FROM-scratch image never reaps it: a zombie left in the target.
 * bash (Remora's image) or busybox (most others) have it; plain sh falls back to sleep.
 */
export const KEEPER_LAUNCHER = [
  'export REMORA_NAP=read',
  // The script stays in the environment so `ps --all` shows a short command line.
  `if command -v bash >/dev/null 2>&1; then exec bash -c 'eval "$REMORA_KEEPER_SCRIPT"' remora-keeper; fi`,
  `if command -v busybox >/dev/null 2>&1; then exec busybox sh -c 'eval "$REMORA_KEEPER_SCRIPT"' remora-keeper; fi`,
  'REMORA_NAP=sleep',
  'eval "$REMORA_KEEPER_SCRIPT"',
].join('\n');

/**
 * Wraps a command so that starting it marks the session as used, then becomes it (exec):
 * the command keeps its pid, streams and exit status, and 126/127 keep their meaning.
 */
export function execWrapper(cmd: string[]): string[] {
  const script = [
    `[ -w ${USED_STAMP} ] && true > ${USED_STAMP}`,
    // The first command of a new session can start before the keeper made /target.
    `[ -L /target ] || ${LINK_TARGET} 2>/dev/null`,
    // Say it the way a user reads it; 127 as docker and every shell do.
    'command -v "$1" >/dev/null 2>&1 || { echo "remora: $1: command not found in the toolkit" >&2; exit 127; }',
    'exec "$@"',
  ].join('\n');
  return ['/bin/sh', '-c', script, 'remora', ...cmd];
}
