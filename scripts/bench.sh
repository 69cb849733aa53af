#!/usr/bin/env bash
# Benchmarks Sekisho against nginx (same certificates, backend and client) and prints ratios.
# Extra arguments go to tests/bench/bench.py (e.g. --seconds 20 --connections 32).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh >/dev/null
python3 tests/bench/bench.py --build build "$@"
