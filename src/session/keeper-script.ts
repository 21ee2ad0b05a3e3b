// The toolkit container's main process. It holds the session open and ends it by itself,
// so no reaper container and no engine socket are ever needed:
//  - idle mode: exits after REMORA_IDLE_SECONDS with no command running and none started
//    (every command Remora runs touches USED_STAMP on its way in, see execWrapper);
//  - stdin mode (`--rm`): exits when its stdin closes, i.e. when the remora process that
//    holds the attach stream ends, however it ends (SIGKILL included), and ends the
//    commands that remora started there first. It reads stdin with a builtin: a `cat`
//    child would outlive a removed toolkit (see KEEPER_LAUNCHER).
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
# The toolkit's other processes (its commands) share the keeper's mount namespace.
is_command() {
  [ "\${1#/proc/}" != "$keeper" ] && [ "$1/ns/mnt" -ef "/proc/$keeper/ns/mnt" ]
}
# Kills the commands still running and waits (bounded) until they are gone. Docker kills
# them itself when the keeper exits; Podman does not: it keeps them as active exec
# sessions and refuses to auto-remove the toolkit.
end_commands() {
  tries=0
  while [ "$tries" -lt 500 ]; do
    left=
    for d in /proc/[0-9]*; do
      is_command "$d" || continue
      left=1
      kill -9 "\${d#/proc/}" 2>/dev/null
    done
    [ -z "$left" ] && return 0
    tries=$((tries + 1))
  done
}
mkdir -p /run 2>/dev/null
echo "$keeper" > ${KEEPER_PID_FILE}
${FIND_TARGET_PID}
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
  # remora is gone, however it ended. The session's commands get SIGTERM first and a
  # moment to end: a copy in flight then removes its temporary from the target, as it
  # does when remora dies without --rm. end_commands then kills what is left.
  tries=0
  while [ "$tries" -lt ${STOP_TRIES} ]; do
    left=
    for d in /proc/[0-9]*; do
      is_command "$d" || continue
      left=1
      [ "$tries" -eq 0 ] && kill -TERM "\${d#/proc/}" 2>/dev/null
    done
    [ -z "$left" ] && break
    tries=$((tries + 1))
    nap 0.1
  done
  end_commands
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
      is_command "$d" || continue
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

/** The status of a command that could not be started (docker's 125): here, a missing -w directory. */
export const CANNOT_START_STATUS = 125;

/**
 * Wraps a command so that starting it marks the session as used, then becomes it (exec):
 * the command keeps its pid, streams and exit status, and 126/127 keep their meaning.
 * `targetDir` (exec -w) is a directory of the target: the command starts in /target<dir>,
 * entered by the shell, since the engine refuses a working directory outside the
 * toolkit's own root (runc's "possible container breakout").
 */
export function execWrapper(cmd: string[], targetDir?: string): string[] {
  const script = [
    `[ -w ${USED_STAMP} ] && true > ${USED_STAMP}`,
    // The first command of a new session can start before the keeper made /target.
    // A subshell: FIND_TARGET_PID uses the positional parameters, which are the command.
    `[ -L /target ] || ( ${FIND_TARGET_PID}\n${LINK_TARGET} ) 2>/dev/null`,
    ...(targetDir === undefined
      ? []
      : [
          // A profile without the capabilities to reach /target would otherwise read as "no such directory".
          '( cd /target/ ) 2>/dev/null || { echo "remora: -w $1: this profile cannot reach the target\'s files (use --profile general)" >&2; exit ' +
            CANNOT_START_STATUS +
            '; }',
          '[ -d "/target$1" ] || { echo "remora: $1: no such directory in the target" >&2; exit ' + CANNOT_START_STATUS + '; }',
          'cd "/target$1" 2>/dev/null || { echo "remora: $1: cannot enter this directory of the target (permission denied)" >&2; exit ' +
            CANNOT_START_STATUS +
            '; }',
          'shift',
        ]),
    // Say it the way a user reads it; 127 as docker and every shell do.
    'command -v "$1" >/dev/null 2>&1 || { echo "remora: $1: command not found in the toolkit" >&2; exit 127; }',
    'exec "$@"',
  ].join('\n');
  return ['/bin/sh', '-c', script, 'remora', ...(targetDir === undefined ? [] : [targetDir]), ...cmd];
}

/**
 * The main process of a one-shot toolkit (see session/one-shot.ts): makes /target, then
 * becomes remora-run CMD, which ends CMD when remora goes away. A toolkit image without
 * remora-run (an old private build) runs CMD itself.
 */
export function oneShotCommand(cmd: string[]): string[] {
  const script = [
    // LINK_TARGET needs $tpid; a subshell, since FIND_TARGET_PID may reset "$@" (the command).
    `( ${FIND_TARGET_PID}\n${LINK_TARGET} ) 2>/dev/null`,
    // The pid file marks this root as a toolkit's, so ps and net of another session list
    // the one-shot's processes as the toolkit's, not the target's. Its pid is remora-run's.
    `{ mkdir -p /run && echo $$ > ${KEEPER_PID_FILE}; } 2>/dev/null`,
    'command -v "$1" >/dev/null 2>&1 || { echo "remora: $1: command not found in the toolkit" >&2; exit 127; }',
    'command -v remora-run >/dev/null 2>&1 && exec remora-run "$@"',
    'exec "$@" </dev/null',
  ].join('\n');
  return ['/bin/sh', '-c', script, 'remora', ...cmd];
}
