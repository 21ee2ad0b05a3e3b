# target-pid.sh: prints the target's main process as the toolkit sees it, for a target
# that shares another container's PID namespace (session/toolkit-session.ts).
find_target_pid
