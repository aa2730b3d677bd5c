#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer in their own build directory and runs each for
# a bounded time from its seed corpus. Exits non-zero when a target finds a
# crash, a leak or undefined behaviour; the input is kept under
# build-fuzz/fuzz-artifacts/.
#
# Environment:
#   TALLY_FUZZ_SECONDS    seconds per target (default 20)
#   TALLY_FUZZ_BUILD_DIR  build directory (default <repo>/build-fuzz)
#   TALLY_SHARED_DIR      shared reference folder; its label config templates
#                         become extra parser seeds (default <repo>/../shared)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TALLY_FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${TALLY_FUZZ_SECONDS:-20}"
shared="${TALLY_SHARED_DIR:-$root/../shared}"
config_dir="$root/src/labeling/config"

if ! command -v clang++ >/dev/null 2>&1; then
  echo "run-fuzzers: clang++ not found; run scripts/install-deps.sh" >&2
  exit 1
fi

cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTALLY_FUZZ=ON -DTALLY_BUILD_TESTS=OFF -DTALLY_BUILD_BENCH=OFF >/dev/null
ninja -C "$build" -j2 label_config_parser_fuzzer label_config_result_fuzzer request_fuzzer credentials_fuzzer

# libFuzzer adds new inputs to the first corpus directory, so run from a
# scratch copy and leave the committed seeds alone.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/parser" "$work/result" "$work/request" "$work/credentials" "$build/fuzz-artifacts"
cp "$config_dir"/fuzz/seeds/parser/* "$work/parser/"
cp "$config_dir"/fuzz/seeds/result/* "$work/result/"
cp "$root"/src/http/fuzz/seeds/* "$work/request/"
cp "$root"/src/accounts/fuzz/seeds/* "$work/credentials/"
templates="$shared/reference/label-studio-templates"
if [ -d "$templates" ]; then
  cp "$templates"/*.xml "$work/parser/"
else
  echo "run-fuzzers: $templates not found; using the committed parser seeds only"
fi

status=0
run() {
  local target="$1" corpus="$2"
  shift 2
  local binary
  binary=$(find "$build/src" -name "$target" -type f -perm -u+x | head -n 1)
  echo "run-fuzzers: $target for ${seconds}s"
  if ! "$binary" "$corpus" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$build/fuzz-artifacts/$target-" "$@" 2>"$work/$target.log"; then
    tail -n 60 "$work/$target.log" >&2
    echo "run-fuzzers: $target failed; input saved under $build/fuzz-artifacts/" >&2
    status=1
    return
  fi
  grep -E '^stat::number_of_executed_units|^Done' "$work/$target.log" || true
}

run label_config_parser_fuzzer "$work/parser" -dict="$config_dir/fuzz/label_config.dict"
run label_config_result_fuzzer "$work/result"
run request_fuzzer "$work/request"
run credentials_fuzzer "$work/credentials"
exit "$status"
