# proc.sh PID ROOT: one process in depth for `remora proc` and the TUI's details pane
# (ops/proc.ts), as records (core/proc-dump.ts): its /proc files, the sockets of its
# network namespace, the target's passwd and group (from ROOT, the target's root).
# Links (exe, cwd, root, ns/*, fd/*) go through GNU find's -printf when there is one (one
# process however many fds), else readlink each. What cannot be opened for lack of
# privilege is said as "@denied:WHAT" (tested with `true`, not `:`: a failed redirection on
# a special builtin would end the shell). Exits PROCESS_GONE_STATUS when there is no PID.
export LC_ALL=C
p=$1
root=$2
[ -e "/proc/$p/stat" ] || exit "$PROCESS_GONE_STATUS"
grep -azsH '' "/proc/$p/stat" "/proc/$p/status" "/proc/$p/cmdline" "/proc/$p/environ" "/proc/$p/limits" "/proc/$p/cgroup" \
  "/proc/$p/net/tcp" "/proc/$p/net/tcp6" "/proc/$p/net/udp" "/proc/$p/net/udp6" "/proc/$p/net/unix" \
  /proc/stat
print_target_accounts "$root" passwd group
printf '@clk:%s\0' "$(getconf CLK_TCK 2>/dev/null || echo 100)"
{ is_toolkit_process "/proc/$p"; } 2>/dev/null && printf '@toolkit:1\0'
{ true < "/proc/$p/environ"; } 2>/dev/null || printf '@denied:environment\0'
{ true < "/proc/$p/fd"; } 2>/dev/null || printf '@denied:open files\0'
if find /proc/self/exe -maxdepth 0 -printf '' >/dev/null 2>&1; then
  find "/proc/$p/exe" "/proc/$p/cwd" "/proc/$p/root" -maxdepth 0 -printf '@link:%p %l\0' 2>/dev/null
  find "/proc/$p/ns" "/proc/$p/fd" -mindepth 1 -maxdepth 1 -printf '@link:%p %l\0' 2>/dev/null
else
  for l in "/proc/$p/exe" "/proc/$p/cwd" "/proc/$p/root" "/proc/$p/ns/"* "/proc/$p/fd/"*; do
    t=$(readlink "$l") && printf '@link:%s %s\0' "$l" "$t"
  done 2>/dev/null
fi
[ -e "/proc/$p/stat" ] || exit "$PROCESS_GONE_STATUS"
exit 0
