#!/usr/bin/env bash
# The test command: installs what is needed, builds, and runs every unit and integration
# test (CTest). With --sanitize the same suite runs on an ASan/UBSan build in build-asan/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
build_dir=$(scripts/build.sh "$@" | tail -n 1)
if [ "${1:-}" = "--sanitize" ]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
ctest --test-dir "$build_dir" --output-on-failure -j 2 --timeout 600
