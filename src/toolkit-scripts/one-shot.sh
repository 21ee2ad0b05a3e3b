# one-shot.sh CMD ARGS...: the main process of a one-shot toolkit (session/one-shot.ts):
# makes /target, then becomes remora-run CMD, which ends CMD when remora goes away. A
# toolkit image without remora-run (another image, an old private build) runs CMD itself.
# Each fork here is paid by every one-shot: a one-shot joins only a target with a PID
# namespace of its own (session-context.ts), whose main process REMORA_TARGET_PID names,
# so no search in a subshell; and /run is made only where an image lacks it.
{ link_target "${REMORA_TARGET_PID:-1}"; } 2>/dev/null
# The pid file marks this root as a toolkit's, so ps and net of another session list
# the one-shot's processes as the toolkit's, not the target's. Its pid is remora-run's.
{ { [ -d /run ] || mkdir -p /run; } && echo $$ > "$KEEPER_PID_FILE"; } 2>/dev/null
command -v "$1" >/dev/null 2>&1 || { echo "remora: $1: command not found in the toolkit" >&2; exit 127; }
command -v remora-run >/dev/null 2>&1 && exec remora-run "$@"
exec "$@" </dev/null
