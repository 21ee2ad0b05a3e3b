# chroot-shell.sh TOOL...: `remora shell --chroot` (session/shell-command.ts): a shell
# whose `/` is the target's root, with the toolkit's tools on PATH.
# It never writes into the target: the shell is the toolkit's static busybox, run from the
# toolkit's own filesystem through the magic link /proc/<keeper>/root, and each TOOL
# (those busybox does not provide well) is reached through a small wrapper in the
# toolkit's /run that calls the toolkit's own ELF loader with the toolkit's libraries. So
# it works on a read-only rootfs and on a scratch target with no libc at all.
set -e
busybox=/opt/remora/bin/busybox
[ -x "$busybox" ] || { echo "remora: --chroot needs a static busybox at $busybox in the toolkit image" >&2; exit 127; }
n=0; while [ ! -s "$KEEPER_PID_FILE" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
k=$(cat "$KEEPER_PID_FILE")
via=/proc/$k/root
bin=/run/remora-chroot/bin
if [ ! -d "$bin" ]; then
  mkdir -p "$bin.tmp"
  for applet in $("$busybox" --list); do ln -sf "$via$busybox" "$bin.tmp/$applet"; done
  # Real paths: Debian's loader is an absolute symlink, which inside the chroot would
  # resolve against the target's root.
  loader=
  for l in /lib/ld-linux-*.so.* /lib/ld-musl-*.so.* /lib64/ld-linux-*.so.*; do
    if [ -e "$l" ]; then loader=$(readlink -f "$l"); break; fi
  done
  libs=$(for d in /lib/*-linux-gnu /usr/lib/*-linux-gnu; do [ -d "$d" ] && readlink -f "$d"; done | sort -u | sed "s|^|$via|" | tr '\n' ':')
  for tool in "$@"; do
    path=$(command -v "$tool" 2>/dev/null) || continue
    case "$path" in /opt/remora/*) continue ;; /*) path=$(readlink -f "$path") ;; *) continue ;; esac
    # Replace the busybox applet link of the same name; writing through it would
    # overwrite busybox itself.
    rm -f "$bin.tmp/$tool"
    printf '#!%s sh\nexec %s --library-path %s %s "$@"\n' "$via$busybox" "$via$loader" "$libs" "$via$path" > "$bin.tmp/$tool"
    chmod 755 "$bin.tmp/$tool"
  done
  mv "$bin.tmp" "$bin" 2>/dev/null || rm -rf "$bin.tmp"
fi
export PATH="$via$bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export HOME=/
exec chroot /target "$via$busybox" sh -i
