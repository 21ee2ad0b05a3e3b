# doctor-probe.sh: what the toolkit may reach and is held to, for `remora doctor`
# (cli/commands/doctor.ts), as records (core/proc-dump.ts): @root (can it read the target's
# root), @memory and @pids (the toolkit's own limits as its cgroup enforces them, v2 else
# v1: an engine may drop them), @ptrace (whether strace attaches to the target's PID 1,
# with the first line strace said when it does not).
if ls /target/ >/dev/null 2>&1; then printf '@root:ok\0'; else printf '@root:denied\0'; fi
printf '@memory:%s\0' "$(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || echo none)"
printf '@pids:%s\0' "$(cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || echo none)"
if command -v strace >/dev/null; then
  out=$(timeout 3 strace -e trace=none -p 1 2>&1 & p=$!; sleep 1; kill -INT $p 2>/dev/null; wait $p)
  case "$out" in
    *"attached"*) printf '@ptrace:ok\0' ;;
    *) printf '@ptrace:denied %s\0' "$(printf '%s\n' "$out" | head -n 1)" ;;
  esac
else
  printf '@ptrace:no-strace\0'
fi
