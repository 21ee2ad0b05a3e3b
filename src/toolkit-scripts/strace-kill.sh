# strace-kill.sh PID: kills strace that did not detach in time after a stop (ops/strace.ts),
# which makes the kernel detach it from every tracee. Only if PID is still strace: it may
# have exited meanwhile and its pid been reused by one of the target's processes.
read -r c < "/proc/$1/comm" && [ "$c" = strace ] && kill -KILL "$1"
