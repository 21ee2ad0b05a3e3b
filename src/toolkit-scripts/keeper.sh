# keeper.sh: the toolkit container's main process (started by keeper-launcher.sh). It
# holds the session open and ends it by itself, so no reaper container and no engine
# socket are ever needed:
#  - idle mode: exits after REMORA_IDLE_SECONDS with no command running and none started
#    (every command Remora runs touches USED_STAMP on its way in, see exec-wrapper.sh);
#  - stdin mode (REMORA_HOLD=stdin, `--rm`): exits when its stdin closes, i.e. when the
#    remora process that holds the attach stream ends, however it ends (SIGKILL included),
#    and ends the commands that remora started there first. It reads stdin with a builtin:
#    a `cat` child would outlive a removed toolkit (see keeper-launcher.sh).
# It dies with the target too: it lives in the target's PID namespace.
# Builtins only in the loops: it must scan 1,000+ processes every few seconds without
# forking, and must never leave a child behind (see keeper-launcher.sh).
check_stamp=/run/remora-checked
tick_fifo=/run/remora-tick
poll_seconds=5
keeper=$$
# The toolkit's other processes (its commands) share the keeper's mount namespace.
is_command() {
  # shellcheck disable=SC3013 # -ef: dash, bash and busybox all have it
  [ "${1#/proc/}" != "$keeper" ] && [ "$1/ns/mnt" -ef "/proc/$keeper/ns/mnt" ]
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
      kill -9 "${d#/proc/}" 2>/dev/null
    done
    [ -z "$left" ] && return 0
    tries=$((tries + 1))
  done
}
mkdir -p /run 2>/dev/null
echo "$keeper" > "$KEEPER_PID_FILE"
link_target "$(find_target_pid)"
: > "$USED_STAMP"; chmod 666 "$USED_STAMP"; : > "$check_stamp"
if [ "${REMORA_NAP:-}" = read ] && { [ -p "$tick_fifo" ] || mkfifo "$tick_fifo"; }; then
  exec 9<>"$tick_fifo"
  # shellcheck disable=SC3045 # read -t: REMORA_NAP=read only where bash or busybox runs this
  nap() { read -r -t "${1:-$poll_seconds}" _ <&9; }
else
  nap() { sleep "${1:-$poll_seconds}"; }
fi
if [ "${REMORA_HOLD:-}" = stdin ]; then
  # The builtin read, not cat: no child that could outlive the keeper (see keeper-launcher.sh).
  while IFS= read -r _; do :; done
  # remora is gone, however it ended. The session's commands get SIGTERM first and 5 s
  # (50 naps of 0.1 s) to end: a copy in flight then removes its temporary from the
  # target, as it does when remora dies without --rm. end_commands then kills what is left.
  tries=0
  while [ "$tries" -lt 50 ]; do
    left=
    for d in /proc/[0-9]*; do
      is_command "$d" || continue
      left=1
      [ "$tries" -eq 0 ] && kill -TERM "${d#/proc/}" 2>/dev/null
    done
    [ -z "$left" ] && break
    tries=$((tries + 1))
    nap 0.1
  done
  end_commands
  exit 0
fi
idle=${REMORA_IDLE_SECONDS:-600}
quiet=0
# The control server (remora-serve, started by remora with a detached exec) waits for
# commands: it is not one, and it goes with the keeper. Docker would kill it; Podman
# would keep it as an exec session and the toolkit with it.
server=
leave() {
  [ -n "$server" ] && kill "$server" 2>/dev/null
  exit 0
}
trap leave TERM INT
while :; do
  nap
  [ -z "$server" ] && [ -r "$SERVER_PID_FILE" ] && read -r server < "$SERVER_PID_FILE"
  busy=
  # shellcheck disable=SC3013 # -nt: dash, bash and busybox all have it
  if [ "$USED_STAMP" -nt "$check_stamp" ]; then
    busy=1
  else
    for d in /proc/[0-9]*; do
      is_command "$d" || continue
      read -r stat < "$d/stat" 2>/dev/null || continue
      rest=${stat##*)}
      # shellcheck disable=SC2086 # split on purpose: the fields of /proc/N/stat after comm
      set -- $rest
      [ "$2" = "$keeper" ] && continue
      [ "${d#/proc/}" = "$server" ] && continue
      busy=1
      break
    done
  fi
  : > "$check_stamp"
  if [ -n "$busy" ]; then quiet=0; else quiet=$((quiet + poll_seconds)); fi
  [ "$quiet" -ge "$idle" ] && leave
done
