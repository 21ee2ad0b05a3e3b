# shell.sh: `remora shell` (session/shell-command.ts): a login-like shell in the toolkit
# whose working directory is the target's root.
cd /target 2>/dev/null || echo "remora: the target root is not reachable with this profile; staying in the toolkit" >&2
if command -v bash >/dev/null 2>&1; then exec bash --norc --noprofile -i; fi
exec sh -i
