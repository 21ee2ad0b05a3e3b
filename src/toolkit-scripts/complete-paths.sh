# complete-paths.sh PREFIX: the target's paths that start with PREFIX, directories with a
# trailing `/`, for shell completion (cli/completion.ts), as @path records
# (core/proc-dump.ts), so a name that holds a newline stays one name.
for f in "/target$1"*; do
  { [ -e "$f" ] || [ -L "$f" ]; } || continue
  n=${f#/target}
  if [ -d "$f" ]; then n="$n/"; fi
  printf '@path:%s\0' "$n"
done
