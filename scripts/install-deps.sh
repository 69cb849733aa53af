#!/usr/bin/env bash
# Installs every Debian package that the build, the tests, the demo and the benchmarks need.
# Idempotent and non-interactive; run as root (or through sudo) on Debian 12.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git
  # the fuzz targets (scripts/fuzz.sh): clang with libFuzzer
  clang libfuzzer-14-dev
  # libraries the build links against
  libssl-dev libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libspdlog-dev libfmt-dev catch2 libyaml-cpp-dev libp11-dev libsqlite3-dev libargon2-dev
  libhiredis-dev libpq-dev
  # PKCS#11: the engine, a software token and the tools the tests use to fill it
  libengine-pkcs11-openssl softhsm2 opensc
  # real clients and servers the tests, demo and benchmarks talk to (HAProxy: the PROXY
  # protocol test puts it in front of the gateway)
  openssl curl python3 nginx-light procps haproxy
  # the PostgreSQL registry tests start throw-away servers of their own
  # (tests/integration/postgres_server.py). On a systemd machine the package also starts a
  # system cluster; the tests never use it. citext ships in postgresql-15 itself, so no
  # postgresql-contrib.
  postgresql
  # the shared session store's tests start throw-away redis-servers of their own
  # (tests/integration/redis_server.py)
  redis-server
  # the dashboard test renders the admin pages in a real browser; the self-disclosure's test
  # prints its HTML to PDF there and reads it back (pdftotext, pdfinfo); Japanese text needs
  # a CJK font, or it renders as empty boxes
  chromium fonts-noto-cjk poppler-utils
  # tests/deploy: systemd-analyze checks the units, strace watches the gateway's system
  # calls against the unit's filter, haproxy runs the example configuration's health checks,
  # python3-yaml reads the Kubernetes manifests and the Prometheus rules
  systemd strace haproxy python3-yaml
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
