# exec-wrapper.sh DIR CMD ARGS...: every command Remora runs in a session starts here
# (session/toolkit-session.ts). It marks the session as used, then becomes CMD (exec):
# the command keeps its pid, streams and exit status, and 126/127 keep their meaning.
# DIR (exec -w; empty for none) is a directory of the target: CMD starts in /target/DIR,
# entered by the shell, since the engine refuses a working directory outside the
# toolkit's own root (runc's "possible container breakout").
# A command that could not be started exits 125, as with docker: here, a -w directory.
cannot_start=125
[ -w "$USED_STAMP" ] && true > "$USED_STAMP"
# The first command of a new session can start before the keeper made /target.
[ -L /target ] || { link_target "$(find_target_pid)"; } 2>/dev/null
dir=$1
shift
if [ -n "$dir" ]; then
  # A profile without the capabilities to reach /target would otherwise read as "no such directory".
  ( cd /target/ ) 2>/dev/null || { echo "remora: -w $dir: this profile cannot reach the target's files (use --profile general)" >&2; exit "$cannot_start"; }
  [ -d "/target$dir" ] || { echo "remora: $dir: no such directory in the target" >&2; exit "$cannot_start"; }
  cd "/target$dir" 2>/dev/null || { echo "remora: $dir: cannot enter this directory of the target (permission denied)" >&2; exit "$cannot_start"; }
fi
# Say it the way a user reads it; 127 as docker and every shell do.
command -v "$1" >/dev/null 2>&1 || { echo "remora: $1: command not found in the toolkit" >&2; exit 127; }
exec "$@"
