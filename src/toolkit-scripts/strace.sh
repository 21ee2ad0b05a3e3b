# strace.sh STRACE-ARGS...: runs strace in the background for ops/strace.ts and watches
# its own stdin, the exec's stdin, which only Remora holds. EOF there (Remora stopping,
# killed, or its connection gone: the engine closes an exec's stdin when the client goes
# away) sends strace SIGTERM, on which strace detaches from every tracee and exits.
# SIGTERM rather than SIGINT: a background job of a non-interactive shell starts with
# SIGINT ignored.
# The SIGTERM waits until strace catches it (catches_sigterm): a stop that comes while
# strace is starting (`--duration 0`, a loaded machine) would otherwise kill it before
# it reaps the test children it forks then, and they would be left to the target's PID 1.
# Every process started here is reaped here, so nothing is ever left to the target's PID 1
# (the toolkit shares its PID namespace, and orphans would be re-parented to it). Before
# signalling, the watcher checks that strace is still this shell's child: a reaped pid
# could be reused by one of the target's processes.
# strace writes to its stderr (unbuffered, so lines arrive as they happen; `-o` to a pipe
# would be block-buffered), sent to the exec's stdout; the exec's stderr carries only
# this script's own line with strace's pid.
exec 3<&0 </dev/null
strace "$@" 2>&1 &
s=$!
me=$$
echo "remora-strace-pid=$s" >&2
{
  while read -r _; do :; done
  # From here on the watcher ends by itself, once strace is signalled or gone: killed in
  # its wait below, it would leave its `sleep` to the target's PID 1.
  trap '' TERM
  while read -r st < "/proc/$s/stat"; do
    rest=${st##*) }
    # shellcheck disable=SC2086 # split on purpose: the fields of /proc/N/stat after comm
    set -- $rest
    [ "$2" = "$me" ] || break
    # Until it is strace (this shell's child may not have run exec yet) and catches SIGTERM.
    case $st in "$s (strace) "*) if catches_sigterm "$s"; then kill -TERM "$s"; break; fi ;; esac
    sleep 0.01 || sleep 1
  done
} <&3 >/dev/null 2>&1 &
w=$!
exec 3<&-
wait "$s" 2>/dev/null
rc=$?
kill "$w" 2>/dev/null
wait "$w" 2>/dev/null
exit "$rc"
