# list-directory.sh ROOT PATH: a directory of the target for the TUI's Files view
# (ops/list-directory.ts), in one exec round trip, as records (core/proc-dump.ts, read by
# core/directory-listing.ts):
#   @dir:RESOLVED          (or @notdir:RESOLVED when PATH is not a directory)
#   @entry:TYPE SIZE MODE UID GID MTIME NAME     per entry, find's %y %s %m %U %G %T@ %P
#   @link:TEXT             after an entry that is a symlink
#   ROOT/etc/passwd:...  ROOT/etc/group:...      the target's own, so owners get its names
# PATH is resolved by the kernel inside ROOT, the target's root (remora-fs realpath: `..`
# stops at its `/`, symlinks are followed inside it). find -P never follows the entries'
# symlinks; `cd` goes through the already-resolved name, so nothing of the target is
# interpreted by the toolkit's root. Failures exit with remora-fs's statuses (3:
# permission denied).
export LC_ALL=C
[ -x "$REMORA_FS" ] || { echo "remora: $REMORA_FS is missing from the toolkit image" >&2; exit 127; }
dir=$("$REMORA_FS" realpath "$1" "$2") || exit $?
if [ ! -d "$1$dir" ]; then printf '@notdir:%s\0' "$dir"; exit 0; fi
cd "$1$dir" || exit 3
printf '@dir:%s\0' "$dir"
find . -mindepth 1 -maxdepth 1 -printf '@entry:%y %s %m %U %G %T@ %P\0' -type l -printf '@link:%l\0' 2>/dev/null
print_target_accounts "$1" passwd group
