# shellcheck disable=SC2034 # the constants are for the scripts sent after this one
# Sent ahead of every script in this folder (scripts.ts): the paths and exit statuses that
# Remora's TypeScript reads too, and the functions several scripts share. Defines, runs
# nothing. Names in capitals come from here or from the environment, lowercase ones are a
# script's own. test/unit/toolkit-scripts.test.ts checks the values against the TS side.

# Remora's helper for the target's files (toolkit-image/helpers/remora-fs.c); only Remora's
# toolkit image has it. Its exit status when openat2 is unavailable.
REMORA_FS=/opt/remora/bin/remora-fs
REMORA_FS_NO_OPENAT2=7
# Written by the keeper (and a one-shot's main process): marks a root as a toolkit's.
KEEPER_PID_FILE=/run/remora-keeper.pid
# Touched by every command Remora runs in a session (exec.sh); the keeper reads it.
USED_STAMP=/run/remora-used
# Written by remora-serve, a shared session's control server (session/control-exec.ts).
SERVER_PID_FILE=/run/remora-serve.pid
# What an account file is cut to when it is read without remora-fs.
ACCOUNTS_MAX_BYTES=4194304
# proc.sh: the process asked for does not exist (any more).
PROCESS_GONE_STATUS=3

# is_toolkit_process /proc/N: is N one of a Remora toolkit? Ours share our mount namespace;
# those of other sessions on the same target (another profile's) have the keeper's pid file
# in their root (one of theirs that chrooted into the target is missed). Builtin tests
# only, no fork: 1,000+ processes cost milliseconds.
is_toolkit_process() {
  # shellcheck disable=SC3013 # -ef: dash, bash and busybox all have it
  [ "$1/ns/mnt" -ef /proc/self/ns/mnt ] || [ -e "$1/root$KEEPER_PID_FILE" ]
}

# Writes "@toolkit:PID\0" for every process of a Remora toolkit.
print_toolkit_pids() {
  for d in /proc/[0-9]*; do
    if is_toolkit_process "$d"; then printf '@toolkit:%s\0' "${d#/proc/}"; fi
  done 2>/dev/null
}

# print_target_accounts ROOT NAME...: writes "ROOT/etc/NAME:CONTENT\0" for each of the
# target's account files (passwd, group), as `grep -azsH ''` would. Read with remora-fs,
# the kernel resolves the name inside the target's root, so an absolute symlink there
# (/etc/passwd -> /nix/store/...) is the target's file, not the toolkit's. Without
# remora-fs (another toolkit image) or openat2 (a kernel before 5.6), straight through
# ROOT. Either way only a regular file is read (a FIFO or /dev/zero planted as passwd
# would hang or never end), and at most ACCOUNTS_MAX_BYTES of it (parsePasswd keeps its
# whole lines).
print_target_accounts() {
  from=$1
  shift
  for f in "$@"; do
    rc=127
    if [ -x "$REMORA_FS" ]; then c=$("$REMORA_FS" read -L -a "$from" "/etc/$f" 2>/dev/null); rc=$?; fi
    if [ "$rc" -eq 0 ]; then printf '%s:%s\n\0' "$from/etc/$f" "$c"
    elif { [ "$rc" -eq 127 ] || [ "$rc" -eq "$REMORA_FS_NO_OPENAT2" ]; } && [ -f "$from/etc/$f" ]; then
      printf '%s:' "$from/etc/$f"; head -c "$ACCOUNTS_MAX_BYTES" "$from/etc/$f" 2>/dev/null; printf '\0'
    fi
  done
}

# Prints the target's main process. When the target joined another container's PID
# namespace (`--pid=container:X`, REMORA_TARGET_ID set), PID 1 there is X's: the target's
# processes are those whose cgroup names the target's ID (cgroup v1 and v2, Docker and
# Podman alike); of them, the main one has its parent outside the namespace (ppid 0) and
# started first (a `docker exec` into the target comes later). Builtins only. Else
# REMORA_TARGET_PID, or 1.
find_target_pid() {
  if [ -z "${REMORA_TARGET_ID:-}" ]; then
    echo "${REMORA_TARGET_PID:-1}"
    return
  fi
  found=
  best=
  for d in /proc/[0-9]*; do
    mine=
    while read -r line; do case $line in *"$REMORA_TARGET_ID"*) mine=1; break ;; esac; done 2>/dev/null < "$d/cgroup"
    [ -n "$mine" ] || continue
    read -r stat < "$d/stat" 2>/dev/null || continue
    rest=${stat##*) }
    # shellcheck disable=SC2086 # split on purpose: the fields of /proc/N/stat after comm
    set -- $rest
    [ "$2" = 0 ] || continue
    if [ -z "$best" ] || [ "${20}" -lt "$best" ]; then best=${20}; found=${d#/proc/}; fi
  done
  echo "$found"
}

# catches_sigterm PID: has process PID a handler for SIGTERM? strace installs its own only
# once it has forked and reaped its test children (ptrace probes, at its start): a SIGTERM
# or SIGKILL before that ends it and leaves them, paused forever, to the target's PID 1.
catches_sigterm() {
  while read -r k v; do
    # SIGTERM (15) is bit 14; the mask's last four hex digits hold it (all 16 would
    # overflow the shell's arithmetic).
    [ "$k" = SigCgt: ] && { [ $((0x${v#"${v%????}"} >> 14 & 1)) -eq 1 ]; return; }
  done < "/proc/$1/status"
  return 1
}

# link_target PID: makes /target the root of process PID (nothing without a PID).
link_target() {
  [ -n "$1" ] && ln -sfn "/proc/$1/root" /target
}
