# strace-probe.sh: what tracing would run into, for ops/strace.ts and `remora doctor`, as
# records (core/proc-dump.ts, read by core/trace-checks.ts): is strace there, what may this
# toolkit do (capabilities, seccomp, Yama, AppArmor), and every process's stat, tracer,
# and whether it is one of the toolkit's own.
export LC_ALL=C
if command -v strace >/dev/null 2>&1; then printf '@strace:1\0'; else printf '@strace:0\0'; fi
while read -r k v; do
  case $k in CapEff:) printf '@capeff:%s\0' "$v" ;; Seccomp:) printf '@seccomp:%s\0' "$v" ;; esac
done < /proc/self/status
{ read -r y < /proc/sys/kernel/yama/ptrace_scope && printf '@yama:%s\0' "$y"; } 2>/dev/null
{ read -r a < /proc/self/attr/current && printf '@apparmor:%s\0' "$a"; } 2>/dev/null
grep -azsH '' /proc/[0-9]*/stat
printf '@status:'
grep -asH '^TracerPid:' /proc/[0-9]*/status
printf '\0'
print_toolkit_pids
exit 0
