# preview-file.sh ROOT PATH MAX: the start of a file of the target for the Files view's
# pager (ops/preview-file.ts), in one exec round trip, as records (core/proc-dump.ts):
#   @stat:JSON    remora-fs stat -L: size and kind, PATH resolved inside ROOT
#   @type:TEXT    what `file` says of it
#   @data:BYTES   at most MAX of its bytes: the last record, which runs to the end
# Only regular files are read, so a fifo or a device never blocks the viewer.
[ -x "$REMORA_FS" ] || { echo "remora: $REMORA_FS is missing from the toolkit image" >&2; exit 127; }
stat=$("$REMORA_FS" stat -L "$1" "$2") || exit $?
printf '@stat:%s\0' "$stat"
kind=$("$REMORA_FS" read -L "$1" "$2" 2>/dev/null | head -c 65536 | file -b - 2>/dev/null) || kind=
printf '@type:%s\0' "${kind:-data}"
printf '@data:'
"$REMORA_FS" read -L "$1" "$2" | head -c "$3"
