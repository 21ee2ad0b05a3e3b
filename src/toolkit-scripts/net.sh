# net.sh: the sockets of the target's network namespace with their owning processes, for
# `remora net` and the TUI (ops/net.ts), as records (core/proc-dump.ts): /proc/net/* as
# the toolkit (which shares that namespace) sees them, every process's stat (for its
# name), which pids are the toolkit's, then "PATH TYPE INODE" for every fd. stat -L on
# /proc/N/fd/M gives a socket's inode without parsing link text; the paths come from a
# builtin printf through xargs, so no argument list is ever too long. Works with a busybox
# toolkit too (no ss needed).
export LC_ALL=C
grep -azsH '' /proc/net/tcp /proc/net/tcp6 /proc/net/udp /proc/net/udp6 /proc/net/unix /proc/[0-9]*/stat
print_toolkit_pids
printf '@fds:'
printf '%s\0' /proc/[0-9]*/fd/* | xargs -0 stat -L -c '%n %F %i' 2>/dev/null
printf '\0'
exit 0
