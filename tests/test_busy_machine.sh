#!/usr/bin/env bash
# test_busy_machine.sh OFFLOAD WORK_DIR: two processes burn every core while
# offload times the tutorial's scaling; the result must say the machine was
# busy, give no scaling exponent as a fact (text and export), and mark the
# export. Exit status: 0 passed, 1 a check failed, 2 usage error.
set -uo pipefail
export LC_ALL=C

if [ $# -ne 2 ]; then
    echo "usage: $0 OFFLOAD WORK_DIR" >&2
    exit 2
fi
offload=$1
work=$2
rm -rf "$work"
mkdir -p "$work" || { echo "cannot create $work" >&2; exit 1; }

# One burner per core (at least two), each stopped by its own pid below and
# by timeout should this script die first.
cores=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
[ "$cores" -ge 2 ] || cores=2
burners=()
for _ in $(seq "$cores"); do
    timeout 60 sh -c 'while :; do :; done' &
    burners+=($!)
done
stop_burners() { for p in "${burners[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap stop_burners EXIT
sleep 0.3

failed=0
check() { # NAME REGEX FILE
    if grep -Eq "$2" "$3"; then echo "ok    $1"; else echo "FAIL  $1"; failed=1; fi
}
refuse() { # NAME REGEX FILE: the pattern must not appear
    if grep -Eq "$2" "$3"; then echo "FAIL  $1"; failed=1; else echo "ok    $1"; fi
}

"$offload" scores --percent 20,100 --backend openmp --threads 2 --format json \
    --output "$work/steps.json" >"$work/scores.txt" 2>&1
echo "scores exit $?"
cat "$work/scores.txt"
check "scores says busy" '^busy: other processes used [0-9]+% of the' "$work/scores.txt"
check "scores exponent not measurable" 'markers\^k: not measurable here \(the machine was busy' "$work/scores.txt"
refuse "scores states no exponent" 'markers\^[0-9]' "$work/scores.txt"
check "export: exponent null" '"kernel_scaling_exponent":[[:space:]]*null' "$work/steps.json"
check "export: marked busy" '"machine_busy":[[:space:]]*true' "$work/steps.json"

"$offload" sweep sqrt --sizes 200k,800k --backends openmp --threads 2 --format csv \
    --output "$work/sweep.csv" >"$work/sweep.txt" 2>&1
echo "sweep exit $?"
cat "$work/sweep.txt"
check "sweep exponent not measurable" 'N\^k: not measurable here \(the machine was busy' "$work/sweep.txt"
refuse "sweep states no exponent" 'N\^[0-9]' "$work/sweep.txt"
check "sweep export marked busy" ',yes,0?\.[0-9]+,' "$work/sweep.csv"

exit $failed
