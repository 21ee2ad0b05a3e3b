# signal-tagged.sh ENTRY SIGNAL: sends SIGNAL to the toolkit commands whose environment
# holds ENTRY, the tag Remora started them with (ops/signal-process.ts): the command, and
# its children unless they dropped it. Only processes in the toolkit's own mount
# namespace: never one of the target's.
for d in /proc/[0-9]*; do
  # shellcheck disable=SC3013 # -ef: dash, bash and busybox all have it
  [ "$d/ns/mnt" -ef /proc/self/ns/mnt ] || continue
  grep -qxzF -e "$1" "$d/environ" 2>/dev/null && kill "-$2" "${d#/proc/}" 2>/dev/null
done
exit 0
