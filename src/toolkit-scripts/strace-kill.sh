# strace-kill.sh PID: kills strace that did not detach in time after a stop (ops/strace.ts),
# which makes the kernel detach it from every tracee. Only if PID is still strace: it may
# have exited meanwhile and its pid been reused by one of the target's processes. And only
# once it is past its start (catches_sigterm): killed before, it would leave its test
# children to the target's PID 1; strace.sh signals it as soon as it is.
read -r c < "/proc/$1/comm" && [ "$c" = strace ] && catches_sigterm "$1" && kill -KILL "$1"
