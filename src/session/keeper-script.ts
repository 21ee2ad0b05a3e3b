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

/**
 * Shell that sets $tpid to the target's main process when the target joined another
 * container's PID namespace (`--pid=container:X`, REMORA_TARGET_ID set): PID 1 there is
 * X's. The target's processes are those whose cgroup names the target's ID (cgroup v1 and
 * v2, Docker and Podman alike); of them, the main one has its parent outside the namespace
 * (ppid 0) and started first (a `docker exec` into the target comes later). Builtins only.
 * Else $tpid is REMORA_TARGET_PID, or 1.
 */
export const FIND_TARGET_PID = `
tpid=\${REMORA_TARGET_PID:-1}
if [ -n "\${REMORA_TARGET_ID:-}" ]; then
  tpid=; best=
  for d in /proc/[0-9]*; do
    mine=
    while read -r line; do case $line in *"$REMORA_TARGET_ID"*) mine=1; break ;; esac; done 2>/dev/null < "$d/cgroup"
    [ -n "$mine" ] || continue
    read -r stat < "$d/stat" 2>/dev/null || continue
    rest=\${stat##*) }
    set -- $rest
    [ "$2" = 0 ] || continue
    if [ -z "$best" ] || [ "\${20}" -lt "$best" ]; then best=\${20}; tpid=\${d#/proc/}; fi
  done
fi
`.trim();

/** Makes /target the target's root; run by the keeper, and by a command that comes first. */
const LINK_TARGET = '[ -n "$tpid" ] && ln -sfn "/proc/$tpid/root" /target';

export const KEEPER_SCRIPT = `
keeper=$$
mkdir -p /run 2>/dev/null
echo "$keeper" > ${KEEPER_PID_FILE}
${FIND_TARGET_PID}
${LINK_TARGET}
: > ${USED_STAMP}; chmod 666 ${USED_STAMP}; : > ${CHECK_STAMP}
if [ "\${REMORA_HOLD:-}" = stdin ]; then
  exec cat > /dev/null
fi
if [ "\${REMORA_NAP:-}" = read ] && { [ -p ${TICK_FIFO} ] || mkfifo ${TICK_FIFO}; }; then
  exec 9<>${TICK_FIFO}
  nap() { read -t ${POLL_SECONDS} _ <&9; }
else
  nap() { sleep ${POLL_SECONDS}; }
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
    // A subshell: FIND_TARGET_PID uses the positional parameters, which are the command.
    `[ -L /target ] || ( ${FIND_TARGET_PID}\n${LINK_TARGET} ) 2>/dev/null`,
    // Say it the way a user reads it; 127 as docker and every shell do.
    'command -v "$1" >/dev/null 2>&1 || { echo "remora: $1: command not found in the toolkit" >&2; exit 127; }',
    'exec "$@"',
  ].join('\n');
  return ['/bin/sh', '-c', script, 'remora', ...cmd];
}
