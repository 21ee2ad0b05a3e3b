# remora completion for bash: add  source <(remora completion bash)  to ~/.bashrc
_remora_complete() {
  local cur=${COMP_WORDS[COMP_CWORD]} out directive f
  local -a found=()
  out=$(command "${COMP_WORDS[0]}" __complete bash "${COMP_LINE:0:COMP_POINT}" 2>/dev/null) || return 0
  [ -n "$out" ] || return 0
  directive=${out%%$'\n'*}
  if [ "$out" != "$directive" ]; then
    mapfile -t found <<<"${out#*$'\n'}"
  fi
  COMPREPLY=("${found[@]}")
  if [ "$directive" = :files ]; then
    if [ ${#found[@]} -eq 0 ]; then
      compopt -o filenames 2>/dev/null
      mapfile -t -O ${#COMPREPLY[@]} COMPREPLY < <(compgen -f -- "$cur")
    else
      # Mixed with TARGET: words, which -o filenames would escape: mark directories by hand.
      while IFS= read -r f; do
        if [ -d "$f" ]; then COMPREPLY+=("$f/"); else COMPREPLY+=("$f"); fi
      done < <(compgen -f -- "$cur")
    fi
  fi
  if [ ${#COMPREPLY[@]} -eq 1 ]; then
    case ${COMPREPLY[0]} in *: | */) compopt -o nospace 2>/dev/null ;; esac
  fi
  return 0
}
complete -F _remora_complete remora
