#!/usr/bin/env bash
# The function length check can fail: a Python, a shell and a C function of
# 61 lines must each be refused with the function, file and length named,
# while the same functions at 60 lines pass; with --max-file, a file one line
# over is refused too.
set -euo pipefail
check=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# py_function FILE NAME LINES / sh_function FILE NAME LINES: a function of
# exactly LINES lines, its first and last line counted.
py_function() {
    { echo "def $2():"; for ((i = 2; i < $3; i++)); do echo "    x = $i"; done; echo "    return x"; } >"$1"
}
sh_function() {
    { echo "$2() {"; for ((i = 2; i < $3; i++)); do echo "    x=$i"; done; echo "}"; } >"$1"
}

c_function() {
    { echo "static int"; echo "$2(int x)"; echo "{"; for ((i = 4; i < $3; i++)); do echo "    x += $i;"; done; echo "}"; } >"$1"
}

mkdir -p "$work/fits" "$work/long/sub"
py_function "$work/fits/ok.py" sixty 60
sh_function "$work/fits/ok.sh" sixty 60
py_function "$work/long/bad.py" too_long 61
sh_function "$work/long/bad.sh" too_long_sh 61
c_function "$work/fits/ok.c" sixty_c 60
c_function "$work/long/sub/bad.c" too_long_c 61

if ! out=$(python3 "$check" "$work/fits" 2>&1); then
    echo "function_length_catches: 60-line functions were refused:" >&2
    echo "$out" >&2
    exit 1
fi
rc=0
out=$(python3 "$check" "$work/long" 2>&1) || rc=$?
if [ "$rc" -ne 1 ]; then
    echo "function_length_catches: 61-line functions: exit $rc, expected 1:" >&2
    echo "$out" >&2
    exit 1
fi
for want in "bad.py:1: too_long\(\) is 61 lines long" "bad.sh:1: too_long_sh\(\) is 61 lines long" \
    "sub/bad.c:1: too_long_c\(\) is 61 lines long"; do
    grep -Eq "$want" <<<"$out" || { echo "function_length_catches: no /$want/ in: $out" >&2; exit 1; }
done
rc=0
out=$(python3 "$check" --max 100 --max-file 59 "$work/fits/ok.c" 2>&1) || rc=$?
if [ "$rc" -ne 1 ] || ! grep -q "ok.c: 60 lines long (at most 59)" <<<"$out"; then
    echo "function_length_catches: a 60-line file with --max-file 59: exit $rc: $out" >&2
    exit 1
fi
echo "function_length_catches: 61-line Python, shell and C functions and a file over --max-file are refused, 60-line ones pass"
