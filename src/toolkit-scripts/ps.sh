# ps.sh ROOT MS: the target's processes for `remora ps` and the TUI (ops/ps.ts), in one
# exec whatever their number. ROOT is the target's root (for its /etc/passwd), MS the CPU
# sampling interval in milliseconds (0: one sample).
# Remora's toolkit image has the remora-ps helper: faster on 1,000 processes, nanosecond
# CPU times, and JSON out. Any other toolkit (busybox, netshoot) runs the rest, which dumps
# what core/ps-dump.ts needs of /proc as records (core/proc-dump.ts); its 10 ms clock
# ticks make a short interval coarse.
if command -v remora-ps >/dev/null 2>&1; then exec remora-ps "$1" "$2"; fi
# Sample A (times of every process), then the slow part (status lines, argv, passwd, which
# pids are the toolkit's), then a sleep for what is left of the interval, then sample B.
# One grep reads thousands of files; `-a` keeps GNU grep from calling argv "binary", `-s`
# drops files of processes that exit meanwhile.
export LC_ALL=C
root=$1
ms=$2
read -r u0 _ < /proc/uptime
grep -azsH '' /proc/uptime /proc/[0-9]*/stat
printf '@phase:main\0'
printf '@clk:%s\0' "$(getconf CLK_TCK 2>/dev/null || echo 100)"
grep -azsH '' /proc/stat
printf '@status:'
grep -asH -e '^Name:' -e '^Pid:' -e '^Uid:' -e '^Gid:' -e '^VmRSS:' /proc/[0-9]*/status
printf '\0'
grep -azsH '' /proc/[0-9]*/cmdline
print_target_accounts "$root" passwd
print_toolkit_pids
read -r u1 _ < /proc/uptime
# /proc/uptime has two decimals: dropping the dot gives centiseconds.
left=$(( ms / 10 - (${u1%.*}${u1#*.} - ${u0%.*}${u0#*.}) ))
if [ "$left" -gt 0 ]; then sleep "$(printf '%d.%02d' $((left / 100)) $((left % 100)))"; fi
printf '@phase:end\0'
grep -azsH '' /proc/uptime /proc/[0-9]*/stat
exit 0
