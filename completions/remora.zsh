#compdef remora
# remora completion for zsh: add  source <(remora completion zsh)  to ~/.zshrc (after compinit)
_remora() {
  local out directive c
  local -a lines candidates plain nospace
  out=$(command ${words[1]} __complete zsh "${BUFFER[1,CURSOR]}" 2>/dev/null) || return 1
  [[ -n $out ]] || return 1
  lines=("${(@f)out}")
  directive=${lines[1]}
  candidates=("${(@)lines[2,-1]}")
  for c in $candidates; do
    [[ -z $c ]] && continue
    if [[ $c == *[:/] ]]; then nospace+=("$c"); else plain+=("$c"); fi
  done
  (( $#plain )) && compadd -Q -- $plain
  (( $#nospace )) && compadd -Q -S '' -- $nospace
  [[ $directive == :files ]] && _files
  return 0
}
compdef _remora remora
