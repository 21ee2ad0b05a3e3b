#!/usr/bin/env bash
# Makes a Debian bookworm base image from Debian's packages, for machines where
# debian:bookworm-slim cannot be pulled (no registry, air-gapped CI):
#   debootstrap --variant=minbase bookworm DIR; tar -C DIR -c . | docker import - REF
# Idempotent: does nothing when REF already exists. Needs root, debootstrap and a
# reachable engine. Progress goes to stderr; stdout stays empty.
#
#   scripts/make-rootfs-base.sh [REF]     REF defaults to remora-base:bookworm
#   DEBIAN_MIRROR=http://... scripts/make-rootfs-base.sh   another mirror (optional)
#
# Then: docker build --build-arg BASE=REF toolkit-image/
# (src/session/toolkit-image.ts does the same when Remora builds its own images.)
set -euo pipefail

ref=${1:-remora-base:bookworm}
suite=bookworm

say() { printf 'make-rootfs-base: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

if [ "$#" -gt 1 ] || [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  sed -n '2,12s/^# \{0,1\}//p' "$0" >&2
  exit 2
fi

docker info >/dev/null 2>&1 || die "no Docker engine answers (is dockerd running? is DOCKER_HOST right?)"
if docker image inspect "$ref" >/dev/null 2>&1; then
  say "$ref already exists; nothing to do"
  exit 0
fi
command -v debootstrap >/dev/null 2>&1 || die "debootstrap is not installed (apt-get install debootstrap)"
[ "$(id -u)" -eq 0 ] || die "debootstrap needs root (run with sudo)"

rootfs=$(mktemp -d "${TMPDIR:-/tmp}/remora-rootfs.XXXXXX")

# Runs on every exit path. debootstrap mounts /proc and /sys (and in a container may
# bind-mount /dev) inside the tree; if it died half-way they may still be mounted, and a
# plain rm -rf would walk into them. Unmount what is left, deepest first, then remove
# without crossing into any other file system.
bootstrap_pid=
cleanup() {
  local status=$?
  trap - EXIT INT TERM HUP
  if [ -n "$bootstrap_pid" ] && kill -0 "$bootstrap_pid" 2>/dev/null; then
    say "stopping debootstrap"
    kill -TERM -- "-$bootstrap_pid" 2>/dev/null || true
    wait "$bootstrap_pid" 2>/dev/null || true
    # Then for the rest of its group (dpkg, tar): whatever still writes into the tree
    # would race the rm below. SIGKILL after 10 s, give up after 15 s.
    local waited=0
    while kill -0 -- "-$bootstrap_pid" 2>/dev/null && [ "$waited" -lt 75 ]; do
      if [ "$waited" -eq 50 ]; then kill -KILL -- "-$bootstrap_pid" 2>/dev/null || true; fi
      sleep 0.2
      waited=$((waited + 1))
    done
  fi
  if [ -d "$rootfs" ]; then
    say "removing $rootfs"
    awk -v root="$rootfs" '$5 == root || index($5, root "/") == 1 { print $5 }' /proc/self/mountinfo |
      sort -r | while read -r mountpoint; do umount -l "$mountpoint" 2>/dev/null || true; done
    rm -rf --one-file-system "$rootfs"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

started=$(date +%s)
say "debootstrap --variant=minbase $suite into $rootfs (about a minute; its log follows)"
# In the background and in its own process group, so that a signal to this script
# stops it at once (a trap waits for a foreground command) and takes its dpkg runs too.
# Its own progress goes to stderr as well, so stdout stays clean.
setsid debootstrap --variant=minbase "$suite" "$rootfs" ${DEBIAN_MIRROR:+"$DEBIAN_MIRROR"} >&2 &
bootstrap_pid=$!
wait "$bootstrap_pid" || die "debootstrap failed (are Debian's mirrors reachable? set DEBIAN_MIRROR to use another)"
bootstrap_pid=

# Leave apt's downloaded lists and packages out of the image, as debian:bookworm-slim does.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*

say "importing the tree as $ref"
tar --numeric-owner -C "$rootfs" -c . |
  docker import --change 'CMD ["bash"]' --message "debootstrap --variant=minbase $suite (scripts/make-rootfs-base.sh)" - "$ref" >/dev/null ||
  die "docker import failed"
say "made $ref in $(( $(date +%s) - started )) s"
