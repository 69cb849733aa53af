#!/usr/bin/env bash
# Fuzzing: builds the libFuzzer targets of tests/fuzz/ with clang into build-fuzz/, then runs
# each for SECONDS (default 30) on a copy of its seed corpus, one after the other. Stops at
# the first finding with the target's name and the reproducer, and exits non-zero. New
# corpus entries go to a temporary folder, never into the tree.
#   scripts/fuzz.sh [SECONDS]
#   build-fuzz/tests/fuzz/<target> <reproducer>      # replays one finding
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}

scripts/install-deps.sh
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSEKISHO_FUZZ=ON >/dev/null
cmake --build build-fuzz -j "$(nproc)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
findings=build-fuzz/findings
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

passed=0
for dir in tests/fuzz/corpus/*/; do
  target=$(basename "$dir")
  binary=build-fuzz/tests/fuzz/$target
  [ -x "$binary" ] || { echo "fuzz: $target has a corpus but no target in build-fuzz/" >&2; exit 1; }
  cp -r "$dir" "$work/$target"
  mkdir -p "$findings/$target"
  log=$work/$target.log
  if ! "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$findings/$target/" "$work/$target" >"$log" 2>&1; then
    tail -n 60 "$log"
    reproducer=$(ls -t "$findings/$target"/* 2>/dev/null | head -n 1 || true)
    echo "fuzz: FINDING in $target; reproducer: ${reproducer:-none written (see the log above)}"
    if [ -n "$reproducer" ]; then
      echo "fuzz: replay with: $binary $reproducer"
      echo "fuzz: the reproducer, base64 (CI keeps no files):"
      base64 "$reproducer" | head -c 20000
      echo
    fi
    echo "fuzz: $passed passed, 1 failed"
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  echo "fuzz: $target: ${runs:-?} runs in ${seconds}s (${speed:-?} exec/s), no finding"
  passed=$((passed + 1))
done
echo "fuzz: $passed passed, 0 failed"
