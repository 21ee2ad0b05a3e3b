# strace-threads.sh PID...: the tracer of every thread of each process, as the toolkit sees
# it ("/proc/1/task/6/status:TracerPid:<tab>0"; 0 also for a tracer outside its PID
# namespace), for ops/strace.ts to find the threads strace skipped. A process gone
# meanwhile has no lines.
for p; do
  grep -sH '^TracerPid:' /proc/"$p"/task/*/status
done
exit 0
