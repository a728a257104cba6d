#!/usr/bin/env bash
# The layering check can fail: a tree whose base layer includes a command
# line header, and one where a command includes a backend's own header, must
# both be refused with the include named.
set -euo pipefail
check=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/up/base" "$work/up/cli" "$work/room/cli" "$work/room/backends/opencl"
printf '#include "commands.h"\n' >"$work/up/base/timing.c"
printf '/* commands */\n' >"$work/up/cli/commands.h"
printf '#include "opencl_internal.h"\n' >"$work/room/cli/cmd_run.c"
printf '/* internal */\n' >"$work/room/backends/opencl/opencl_internal.h"
for tree in up room; do
    if out=$(python3 "$check" "$work/$tree" 2>&1); then
        echo "layering_catches: the $tree tree passed the check:" >&2
        echo "$out" >&2
        exit 1
    fi
    case $tree in
    up) want='base/timing.c \(base\) includes commands.h from cli, a higher layer' ;;
    room) want="cli/cmd_run.c \(cli\) includes opencl_internal.h from backends/opencl" ;;
    esac
    grep -Eq "$want" <<<"$out" || { echo "layering_catches: $tree: no /$want/ in: $out" >&2; exit 1; }
done
echo "layering_catches: an upward include and a reach into a backend's room are refused"
