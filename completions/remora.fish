# remora completion for fish: remora completion fish > ~/.config/fish/completions/remora.fish
function __remora_complete
    set -l cmd (commandline -opc)[1]
    set -l out (command $cmd __complete fish (commandline -cp) 2>/dev/null); or return 0
    test (count $out) -gt 0; or return 0
    set -l directive $out[1]
    set -e out[1]
    printf '%s\n' $out
    if test "$directive" = :files
        __fish_complete_path (commandline -ct)
    end
end
complete -c remora -f -a '(__remora_complete)'
