#!/bin/bash
# The generated man page renders without warnings (groff), the bash
# completion loads and completes (options, values, lists, commands), and the
# zsh completion parses. groff or zsh missing skips its part.
# usage: test_completion.sh DOC_DIR
set -u
doc=$1
ran=0
fail() { echo "FAIL: $*"; exit 1; }

if command -v groff >/dev/null; then
    warnings=$(groff -man -Tutf8 -ww -z "$doc/offload.1" 2>&1)
    [[ -z $warnings ]] || fail "groff warns about offload.1: $warnings"
    groff -man -Tutf8 -P-bcou "$doc/offload.1" 2>/dev/null | grep -q 'EXIT STATUS' ||
        fail "offload.1 renders without an EXIT STATUS section"
    echo "ok: offload.1 renders with groff"
    ran=1
else
    echo "skip: no groff"
fi

# Completes the words "$@" (the last one is the word being typed).
complete_words() {
    COMP_WORDS=(offload "$@")
    COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
    COMPREPLY=()
    _offload
    echo "${COMPREPLY[*]}"
}
expect() {
    local want=$1; shift
    local got; got=$(complete_words "$@")
    [[ " $got " == *" $want "* ]] || fail "bash: 'offload $*' completes to '$got', not '$want'"
}
bash -n "$doc/offload.bash" || fail "offload.bash does not parse"
# shellcheck source=/dev/null
source "$doc/offload.bash"
complete -p offload >/dev/null || fail "offload.bash registers no completion"
expect compare comp
expect --threads run sqrt --thr
expect -t run sqrt -
expect --backends compare --backend
expect serial run sqrt --backend ser
expect serial,openmp compare --backends serial,op
expect json devices --format j
expect sumsqrt sweep sum
expect --out scores --o
expect zero-copy run sqrt --memory ze
expect fast run sqrt --algorithm f
# "both" is compare's default, refused by every other command: never offered.
[[ " $(complete_words run sqrt --algorithm '') " != *" both "* ]] ||
    fail "bash: --algorithm completes to 'both', which run refuses"
echo "ok: bash completion"
ran=1

if command -v zsh >/dev/null; then
    zsh -n "$doc/_offload" || fail "_offload does not parse in zsh"
    head -1 "$doc/_offload" | grep -q '^#compdef offload$' || fail "_offload lacks #compdef"
    echo "ok: zsh completion parses"
    ran=1
else
    echo "skip: no zsh"
fi
[[ $ran == 1 ]] || exit 77
