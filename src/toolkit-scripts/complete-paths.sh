# complete-paths.sh PREFIX: the target's paths that start with PREFIX, one a line,
# directories with a trailing `/`, for shell completion (cli/completion.ts).
for f in "/target$1"*; do
  { [ -e "$f" ] || [ -L "$f" ]; } || continue
  n=${f#/target}
  if [ -d "$f" ]; then n="$n/"; fi
  printf "%s\n" "$n"
done
