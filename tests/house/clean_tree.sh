#!/usr/bin/env bash
# What must never be committed: fuzzer artefacts (libFuzzer's crash-*,
# leak-*, timeout-* and oom-* files: reproduce a finding as a seed or a unit
# test instead), and the names of tools of the workplace this project was
# built in, which are no part of the project or its dependencies (state a
# rule with the project's own checks instead). Reads the files git tracks.
# Usage: clean_tree.sh SOURCE_DIR
set -euo pipefail
cd "$1"
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    echo "clean_tree: $1 is not a git checkout; nothing to check"
    exit 0
fi
bad=0
artefacts=$(git ls-files | grep -E '(^|/)(crash|leak|timeout|oom)-[0-9a-f]{8,}' || true)
if [ -n "$artefacts" ]; then
    printf 'clean_tree: fuzzer artefacts are tracked (git rm them; crash-* etc. are ignored):\n%s\n' "$artefacts" >&2
    bad=1
fi
# The pattern is spelled so that this script does not match itself.
named=$(git grep -l -I -E 'farm[-](studio|bench)' -- . || true)
if [ -n "$named" ]; then
    printf 'clean_tree: these files name a tool of the workplace, not of the project:\n%s\n' "$named" >&2
    bad=1
fi
[ "$bad" -eq 0 ] && echo "clean_tree: no fuzzer artefacts and no workplace tools named in $(git ls-files | wc -l) tracked files"
exit "$bad"
