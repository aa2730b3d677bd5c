#!/usr/bin/env bash
# Install every Debian package that building, testing and running Tally needs.
# Idempotent: when everything is present it prints nothing and exits 0.
# Runs as root (as on CI and a fresh Debian 12 machine) or through sudo.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  # libraries named in docs/architecture.md
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libpugixml-dev libsqlite3-dev libpq-dev libsodium-dev
  libcurl4-openssl-dev libprotobuf-dev protobuf-compiler zlib1g-dev libpng-dev libssl-dev libre2-dev
  libspdlog-dev libfmt-dev libcli11-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  postgresql-15 sqlite3 curl unzip wrk nginx-light
  # peers the integration tests run (ML backend, webhook receiver) and the benchmarks
  python3
  # the web UI's browser tests (playwright-core drives it; no browser download)
  chromium
  # real photographs with human annotations for the demo and end-to-end suites
  labelme-examples
  # fuzzing: clang with libFuzzer's runtime
  clang libclang-rt-14-dev
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$package")
  fi
done

# Node.js and npm build the web UI. This machine image ships Node.js 20 with
# its own npm outside dpkg, so look for the commands, not the packages.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
