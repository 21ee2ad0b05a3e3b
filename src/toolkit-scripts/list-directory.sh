# list-directory.sh ROOT PATH: a directory of the target for the TUI's Files view
# (ops/list-directory.ts, parsed by core/directory-listing.ts), in one exec round trip.
# PATH is resolved by the kernel inside ROOT, the target's root (remora-fs realpath: `..`
# stops at its `/`, symlinks are followed inside it), then `find` reads the entries and
# the target's own passwd/group files come along so owners get the target's names.
# find -P never follows the entries' symlinks; `cd` goes through the already-resolved
# name, so nothing of the target is interpreted by the toolkit's root. Failures exit with
# remora-fs's statuses (3: permission denied).
[ -x "$REMORA_FS" ] || { echo "remora: $REMORA_FS is missing from the toolkit image" >&2; exit 127; }
dir=$("$REMORA_FS" realpath "$1" "$2") || exit $?
if [ ! -d "$1$dir" ]; then printf 'N\0%s\0' "$dir"; exit 0; fi
cd "$1$dir" || exit 3
printf 'D\0%s\0' "$dir"
find . -mindepth 1 -maxdepth 1 -printf 'E\0%P\0%y\0%s\0%m\0%U\0%G\0%T@\0%l\0' 2>/dev/null
for pair in P:passwd G:group; do
  printf '%s\0' "${pair%%:*}"
  "$REMORA_FS" read -L -a "$1" "/etc/${pair#*:}" 2>/dev/null | base64 -w0
  printf '\0'
done
