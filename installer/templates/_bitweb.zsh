#compdef bitweb
# BitWeb's completion for zsh, written by installer/install.sh. zsh runs the bash completion
# script that the build generates (picocli's), through bashcompinit.
autoload -U +X bashcompinit && bashcompinit
# Completion functions run with aliases off, so the alias that script makes for compopt would
# not be seen; a function is.
(( $+functions[compopt] )) || compopt() { return 0; }
source @BASH_COMPLETION@
# compinit loaded this file for the first completion of bitweb; the script's 'complete' has
# pointed the next ones at _complete_bitweb. This one goes there too.
_bash_complete -F _complete_bitweb -o default
