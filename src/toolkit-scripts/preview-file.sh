# preview-file.sh ROOT PATH MAX: the start of a file of the target for the Files view's
# pager (ops/preview-file.ts), in one exec round trip: remora-fs's stat JSON line (size and
# kind, PATH resolved inside ROOT), what `file` says of it on a line, then at most MAX of
# its bytes. Only regular files are read, so a fifo or a device never blocks the viewer.
[ -x "$REMORA_FS" ] || { echo "remora: $REMORA_FS is missing from the toolkit image" >&2; exit 127; }
"$REMORA_FS" stat -L "$1" "$2" || exit $?
{ "$REMORA_FS" read -L "$1" "$2" 2>/dev/null | head -c 65536 | file -b - 2>/dev/null; } || echo data
"$REMORA_FS" read -L "$1" "$2" | head -c "$3"
