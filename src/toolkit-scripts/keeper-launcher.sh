# keeper-launcher.sh: the toolkit container's command. Starts keeper.sh (held in
# REMORA_KEEPER_SCRIPT, so `ps --all` shows a short command line) in a shell whose
# `read -t` lets it wait without a child process. A child matters: the toolkit shares the
# target's PID namespace, so a child that outlives the keeper (as a `sleep` does when the
# toolkit is removed) is re-parented to the target's PID 1, which in a FROM-scratch image
# never reaps it: a zombie left in the target. bash (Remora's image) or busybox (most
# others) have it; plain sh falls back to sleep.
export REMORA_NAP=read
if command -v bash >/dev/null 2>&1; then exec bash -c 'eval "$REMORA_KEEPER_SCRIPT"' remora-keeper; fi
# shellcheck disable=SC2016 # expanded by the shell started here
if command -v busybox >/dev/null 2>&1; then exec busybox sh -c 'eval "$REMORA_KEEPER_SCRIPT"' remora-keeper; fi
REMORA_NAP='sleep'
eval "$REMORA_KEEPER_SCRIPT"
