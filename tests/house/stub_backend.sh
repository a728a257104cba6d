#!/usr/bin/env bash
# The house test: a fourth backend added by touching only its folder and one
# registry line. Copies the source tree, drops tests/house/stub_backend/ in
# as host/backends/stub/, adds `add_subdirectory(stub)` to the registry
# (host/backends/CMakeLists.txt), checks that nothing else differs from the
# original tree, builds the tool, and checks that the stub backend runs every
# kernel against the serial reference, takes its own option (--stub-flavour,
# listed in help, man page and completions) and reports its build facts.
# Usage: stub_backend.sh SOURCE_DIR WORK_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
work=$2
rm -rf "$work"
mkdir -p "$work/orig" "$work/tree"
# The project's files: what git tracks or would add (build folders and other
# ignored files stay behind); every file outside build*/ without git.
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$src" ls-files -co --exclude-standard -z >"$work/files"
else
    (cd "$src" && find . -path './build*' -prune -o -type f -print0) >"$work/files"
fi
for copy in orig tree; do
    tar -C "$src" --null -T "$work/files" -cf - | tar -C "$work/$copy" -xf -
done
orig=$work/orig
tree=$work/tree

cp -r "$src/tests/house/stub_backend" "$tree/host/backends/stub"
registry=$tree/host/backends/CMakeLists.txt
grep -q '^add_subdirectory(opencl)$' "$registry"
sed -i 's/^add_subdirectory(opencl)$/&\nadd_subdirectory(stub)/' "$registry"

# What the change touched: the new folder and one added line, nothing else.
changed=$(diff -rq "$orig" "$tree" | sort || true)
expected=$(printf '%s\n' "Only in $tree/host/backends: stub" \
    "Files $orig/host/backends/CMakeLists.txt and $tree/host/backends/CMakeLists.txt differ" | sort)
if [ "$changed" != "$expected" ]; then
    printf 'stub_backend: the change touched more than its folder and the registry:\n%s\n' "$changed" >&2
    exit 1
fi
added=$(diff "$orig/host/backends/CMakeLists.txt" "$registry" | grep -c '^>' || true)
removed=$(diff "$orig/host/backends/CMakeLists.txt" "$registry" | grep -c '^<' || true)
if [ "$added" != 1 ] || [ "$removed" != 0 ]; then
    echo "stub_backend: the registry change is $added added and $removed removed lines, not one line" >&2
    exit 1
fi

cmake -S "$tree" -B "$work/build" -DOFFLOAD_TESTS=OFF >"$work/cmake.log" 2>&1 ||
    { tail -n 30 "$work/cmake.log"; exit 1; }
cmake --build "$work/build" -j2 >>"$work/cmake.log" 2>&1 || { tail -n 30 "$work/cmake.log"; exit 1; }
off=$work/build/offload
export OFFLOAD_CACHE_DIR=$work/cache

expect() { # expect WHAT REGEX TEXT
    if ! grep -Eq "$2" <<<"$3"; then
        printf 'stub_backend: %s: no match for /%s/ in:\n%s\n' "$1" "$2" "$3" >&2
        exit 1
    fi
}
expect "devices lists it" '^stub ' "$("$off" devices 2>&1)"
for run in "sqrt --size 10000" "sumsqrt --size 500" "sumsqrt --size 500 --algorithm fast" \
           "scores" "scores --algorithm fast"; do
    # shellcheck disable=SC2086 # a list of words
    out=$("$off" run $run --backend stub --stub-flavour fancy --repeat 2 --no-calibrate 2>&1)
    expect "run $run" 'matches the serial reference' "$out"
    expect "run $run: its own option reached it" 'stub device \(fancy\)' "$out"
done
out=$("$off" run sqrt --backend stub --stub-flavour odd 2>&1) && exit 1
expect "its option's choices are checked" 'stub-flavour: use plain or fancy' "$out"
expect "help lists its option" 'stub-flavour F' "$("$off" help run)"
expect "the man page lists it" 'stub\\-flavour' "$(cat "$work/build/doc/offload.1")"
expect "the bash completion completes it" 'plain fancy' "$(cat "$work/build/doc/offload.bash")"
expect "--version reports its build" 'stub serial code behind the interface' "$("$off" --version)"
out=$("$off" compare sqrt --backends serial,stub --size 10000 --repeat 2 --no-calibrate 2>&1)
expect "compare runs it beside serial" 'stub' "$out"
echo "stub_backend: a fourth backend built from its folder and one registry line; it runs every kernel"
