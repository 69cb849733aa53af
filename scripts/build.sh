#!/usr/bin/env bash
# Configures and builds into build/ (or build-asan/ with --sanitize). Used by demo.sh and test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=build
cmake_args=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [ "${1:-}" = "--sanitize" ]; then
  build_dir=build-asan
  cmake_args+=(-DSEKISHO_SANITIZE=ON)
fi
cmake -S . -B "$build_dir" "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
echo "$build_dir"
