#!/usr/bin/env bash
# The findings of issue 19 ("nothing lost, even by mistake or by another
# user"), one case each: hostile.sh EXE WORKDIR FIXTURES CASE. Each case sets
# up what a careless or hostile user would, runs offload and fails (exit 1,
# with the reason) when offload loses data, hangs, crashes or lies.
set -u
exe=$1 work=$2 fixtures=$3 case=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
export OFFLOAD_CACHE_DIR=$work/cache
unset OMP_NUM_THREADS

fail() {
  echo "FAIL ($case): $*"
  [ -f out.txt ] && { echo "--- output"; cat out.txt; }
  exit 1
}
# run RC COMMAND...: runs offload, output in out.txt; the exit code must be RC.
run() {
  local want=$1
  shift
  "$exe" "$@" >out.txt 2>&1
  local rc=$?
  [ "$rc" = "$want" ] || fail "offload $* exited $rc, expected $want"
}
expect() { grep -Eq -- "$1" out.txt || fail "output lacks /$1/"; }
reject() { ! grep -Eq -- "$1" out.txt || fail "output has /$1/"; }
same() { cmp -s "$1" "$2" || fail "$1 changed"; }

# A small saved export to report on.
saved_export() {
  "$exe" run sqrt --backend serial --size 1k --repeat 1 --format json --output "$1" \
    >/dev/null 2>&1 || fail "could not make a saved export"
}
# The serial ceilings cache entry, calibrated once; its path in $entry.
calibrated() {
  "$exe" calibrate --backends serial >/dev/null 2>&1 || fail "calibrate failed"
  entry=$(ls "$OFFLOAD_CACHE_DIR"/serial-*.json 2>/dev/null | head -n 1)
  [ -n "$entry" ] || fail "no serial cache entry"
}
# set_field NAME VALUE: one number of the cache entry, edited in place.
set_field() {
  sed -i -E "s/(\"$1\": *)[^,}]*/\1$2/" "$entry"
  grep -q "\"$1\": *$2" "$entry" || fail "could not set $1"
}

case $case in
# 1. An output never names an input (same file, or a link to it).
own_input)
  cp "$fixtures/tabs.tsv" t.tsv && cp t.tsv t.orig
  run 2 scores t.tsv --backend serial --output t.tsv
  expect "t.tsv.*is also an input"
  same t.tsv t.orig
  cp "$fixtures/tabs.tsv" t.csv
  run 2 run scores --data t.csv --backend serial --repeat 1 -o t.csv
  expect "is also an input"
  same t.csv t.orig
  saved_export r.json && cp r.json r.orig && ln -s r.json link.json
  run 2 report r.json -o r.json
  same r.json r.orig
  run 2 report r.json --format json -o link.json
  expect "link.json.*is also an input"
  same r.json r.orig
  run 2 compare sqrt --backends serial --size 1k --repeat 1 --baseline r.json -o r.json
  reject "sqrt .naive."
  same r.json r.orig
  ;;
# 2. report to standard output checks its writes.
report_stdout)
  saved_export r.json
  "$exe" report r.json --format json >/dev/full 2>out.txt
  rc=$?
  [ $rc = 1 ] || fail "report to /dev/full exited $rc"
  expect "cannot write standard output: No space left on device"
  # A file-size limit (SIGXFSZ): a message and exit 1, never a cut file and 0.
  (ulimit -f 1 && exec "$exe" report r.json r.json r.json --format json >big.json 2>out.txt)
  rc=$?
  [ $rc = 1 ] || fail "report over the file-size limit exited $rc"
  expect "cannot write standard output: File too large"
  ;;
# 3. The cache follows no symlink and opens no FIFO.
cache_symlink)
  calibrated
  echo "precious" >victim.txt
  rm "$entry" && ln -s "$work/victim.txt" "$entry"
  run 0 run sqrt --backend serial --size 1k --repeat 1
  [ "$(cat victim.txt)" = precious ] || fail "the cache wrote through a symlink"
  [ -L "$entry" ] || fail "the planted link was replaced"
  expect "not a regular file"
  ;;
cache_fifo)
  calibrated
  rm "$entry" && mkfifo "$entry"
  timeout 60 "$exe" run sqrt --backend serial --size 1k --repeat 1 >out.txt 2>&1
  rc=$?
  [ $rc = 0 ] || fail "run with a FIFO in the cache exited $rc (124: it hung)"
  [ -p "$entry" ] || fail "the FIFO was replaced"
  ;;
cache_folder_private)
  run 0 calibrate --backends serial
  [ "$(stat -c %a "$OFFLOAD_CACHE_DIR")" = 700 ] || fail "cache folder is $(stat -c %a cache)"
  ;;
# 4. Thread counts from the environment are capped like --threads.
omp_threads)
  OMP_NUM_THREADS=100000 "$exe" run sqrt --backend serial --no-calibrate --size 1k --repeat 1 \
    >out.txt 2>&1
  rc=$?
  [ $rc = 0 ] || fail "OMP_NUM_THREADS=100000 exited $rc"
  expect "OMP_NUM_THREADS=100000 is over the limit of 4096 threads; using 4096"
  OMP_NUM_THREADS=5000 "$exe" devices >out.txt 2>&1
  expect "openmp .*4096 threads"
  reject "5000 threads"
  ;;
# 5. Endless input stops at the first NUL byte, without reading it all.
endless_input)
  start=$SECONDS
  # No memory limit here (a sanitizer reserves terabytes of address space):
  # the time bound and the offset in the message show it stopped at once.
  timeout 60 "$exe" scores /dev/zero --backend serial >out.txt 2>&1
  rc=$?
  [ $rc = 2 ] || fail "scores /dev/zero exited $rc"
  [ $((SECONDS - start)) -le 10 ] || fail "scores /dev/zero took $((SECONDS - start)) s"
  expect "/dev/zero: NUL byte at byte offset 0"
  # An endless line without a NUL: stopped at the line bound.
  yes 0, | tr -d '\n' | timeout 60 "$exe" scores - --backend serial >out.txt 2>&1
  rc=$?
  [ $rc = 2 ] || fail "an endless line exited $rc"
  expect "-: line 1 is over the 64 MiB limit at byte offset [0-9]+"
  ;;
# 6. Impossible cached ceilings are measured again, never shown.
cache_impossible)
  calibrated
  # Each is a calibration (slow under sanitizers); every bound is in
  # unit.test_calibrate's test_plausible_bounds too.
  for bad in "stream_copy_bytes_per_s 1e-300" "stream_triad_bytes_per_s 1e300" \
             "launch_latency_s 5"; do
    set -- $bad
    set_field "$1" "$2"
    run 0 run sqrt --backend serial --size 1k --repeat 1
    reject "inf%|e-3[0-9][0-9]|nan"
    ! grep -q "\"$1\": *$2," "$entry" || fail "$1 = $2 was kept in the cache"
  done
  # A copy transfer that is not zero-copy moves bytes at a positive rate.
  sed -i -E '/"copy"/,/zero_copy/{s/("to_device_bytes_per_s": *)[^,]*/\10/;s/("zero_copy":[[:space:]]*)true/\1false/}' "$entry"
  grep -Eq '"zero_copy":[[:space:]]*false' "$entry" || fail "could not edit the copy transfer"
  run 0 calibrate --backends serial
  reject "free \(no bytes move\)"
  expect "just measured"
  ;;
# 7. "saved" only when the entry was written: the rename of the new entry
# fails (the fault shim, OFFLOAD_TEST_SHIM) while the old entry stays.
saved_claim)
  [ -n "${OFFLOAD_TEST_SHIM:-}" ] || fail "set OFFLOAD_TEST_SHIM to the offload_clfault library"
  calibrated
  cp "$entry" old.json
  # The shim comes first, before a sanitizer's runtime (as tests/fault does).
  LD_PRELOAD=$OFFLOAD_TEST_SHIM${LD_PRELOAD:+:$LD_PRELOAD} OFFLOAD_FAULT=rename:1:EXDEV \
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
    "$exe" calibrate --backends serial --recalibrate >out.txt 2>&1 || fail "calibrate failed"
  expect "ceilings are not cached .*Invalid cross-device link"
  expect "just measured +not cached"
  reject "saved to"
  same "$entry" old.json
  ;;
# 8. More backends than the old fixed table.
calibrate_many)
  calibrated
  list=serial
  for i in $(seq 2 40); do list=$list,serial; done
  run 0 calibrate --backends "$list" --format csv --output c.csv
  [ "$(wc -l <c.csv)" = 41 ] || fail "c.csv has $(wc -l <c.csv) lines, expected 41"
  # A list too long to keep is refused, not cut.
  for i in $(seq 41 200); do list=$list,serial; done
  run 2 calibrate --backends "$list"
  expect "the list is over"
  ;;
# 9. Leftovers: stale temporary files are swept, long names work, SIGXFSZ
# leaves nothing behind.
leftovers)
  cp "$fixtures/tabs.tsv" t.tsv
  touch out.csv.tmp.AAAAAA out.csv.tmp.BBBBBB other.csv.tmp.CCCCCC out.csv.tmp.not-ours
  touch -d '2 days ago' out.csv.tmp.AAAAAA other.csv.tmp.CCCCCC out.csv.tmp.not-ours
  run 0 scores t.tsv --backend serial --output out.csv
  [ ! -e out.csv.tmp.AAAAAA ] || fail "a stale temporary file of out.csv was not removed"
  [ -e out.csv.tmp.BBBBBB ] || fail "a fresh temporary file (another run's) was removed"
  [ -e other.csv.tmp.CCCCCC ] || fail "another target's temporary file was removed"
  [ -e out.csv.tmp.not-ours ] || fail "a file outside the pattern was removed"
  long=$(printf 'a%.0s' $(seq 1 251)).csv
  run 0 scores t.tsv --backend serial --output "$long"
  [ -s "$long" ] || fail "a 255-byte name was not written"
  (ulimit -f 2 && exec "$exe" scores "$fixtures/../../data/AppleGenotypes.csv" --backend serial \
     --output big.csv) >out.txt 2>&1
  rc=$?
  [ $rc = 1 ] || fail "scores over the file-size limit exited $rc"
  expect "cannot write big.csv: File too large"
  ! ls big.csv* >/dev/null 2>&1 || fail "left $(ls big.csv*)"
  ;;
# 10. Hostile saved files are rendered safely; absurd numbers are refused.
hostile_saved)
  saved_export r.json
  cp r.json h.json
  sed -i -E 's/"verdict":[[:space:]]*"[^"]*"/"verdict": "=cmd|\x27\/c calc\x27!A1"/' h.json
  sed -i -E 's/"reason":[[:space:]]*"[^"]*"/"reason": "a|b\\n## c \\u001b[31mred"/' h.json
  sed -i -E 's/"backend":[[:space:]]*"serial"/"backend": "`*x*`"/' h.json
  run 0 report h.json --format markdown
  reject "a\|b|^## c|[^\\]\`\*x"
  expect 'a\\\|b'
  expect '\\`\\\*x\\\*\\`'
  run 0 report h.json
  expect 'a\|b\\x0a## c \\x1b\[31mred'
  ! grep -q $'\x1b' out.txt || fail "an escape sequence reached the terminal"
  run 0 report h.json --format csv
  expect ",'=cmd"
  cp r.json m.json
  sed -i -E 's/"memory_bytes":[[:space:]]*[0-9.e+]+/"memory_bytes": 1e308/' m.json
  run 2 report m.json
  expect "m.json: .*memory_bytes"
  cp r.json t.json
  sed -i -E '/"total":[[:space:]]*\{/,/"min"/s/("min":[[:space:]]*)[0-9.e+-]+/\11e999/' t.json
  grep -q '1e999' t.json || fail "could not edit total.min"
  run 2 report t.json
  expect "t.json: .*time"
  reject "inf s"
  ;;
# 11. Inconsistencies between commands and options.
consistent)
  run 2 run sqrt --backend openmp --threads 1e1 --size 1k --repeat 1
  expect "threads"
  run 2 scores "$fixtures/tabs.tsv" --backend serial --percent 0x10
  expect "percent"
  run 0 scores "$fixtures/tabs.tsv" --backend serial --output s.JSON
  head -c 1 s.JSON | grep -q '{' || fail "scores -o s.JSON did not write JSON"
  run 0 compare sqrt --backends serial --size 1k --repeat 1 --output c.JSON
  head -c 1 c.JSON | grep -q '{' || fail "compare -o c.JSON did not write JSON"
  run 2 sweep sqrt --backends serial --sizes 1k,1Ti --repeat 1 --output x.json
  [ ! -e x.json ] || fail "sweep wrote x.json before refusing a size"
  reject "serial +[0-9]"
  "$exe" scores - --backend serial <"$fixtures/tabs.tsv" >out.txt 2>&1 || fail "scores - failed"
  expect "best score 3 comes from pattern m1"
  printf 'id,a,b\rm1,0,1\rm2,1,1\r' >cr.csv
  run 2 scores cr.csv --backend serial
  expect "cr.csv: lines end in CR only"
  printf 'id\ta\tb\nm1\t0\t1\n' | iconv -f UTF-8 -t UTF-16 >u16.csv
  run 2 scores u16.csv --backend serial
  expect "u16.csv: UTF-16 text.*iconv -f UTF-16 -t UTF-8"
  ;;
*)
  fail "unknown case"
  ;;
esac
echo "ok: $case"
