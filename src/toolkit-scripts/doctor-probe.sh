# doctor-probe.sh: what the toolkit may reach and is held to, for `remora doctor`
# (cli/commands/doctor.ts), as NAME=VALUE lines: the target's root, the toolkit's own
# limits as its cgroup enforces them (v2, else v1: an engine may drop them), and whether
# strace can attach to the target's PID 1.
if ls /target/ >/dev/null 2>&1; then echo root=ok; else echo root=denied; fi
echo "memory=$(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || echo none)"
echo "pids=$(cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || echo none)"
if command -v strace >/dev/null; then
  out=$(timeout 3 strace -e trace=none -p 1 2>&1 & p=$!; sleep 1; kill -INT $p 2>/dev/null; wait $p)
  case "$out" in *"attached"*) echo ptrace=ok;; *) echo "ptrace=denied $out" | head -n 1;; esac
else
  echo ptrace=no-strace
fi
