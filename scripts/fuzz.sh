#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer + AddressSanitizer) of TobaRPC's pure parts: LineFramer,
# JSONParser/JSONWriter, Request.validate and Params. The properties checked are in
# Fuzz/Sources/; the seed corpus is Fuzz/corpus/. Not part of `swift build` or `swift test`.
#
#   scripts/fuzz.sh [SECONDS] [libFuzzer flags…]     e.g. scripts/fuzz.sh 600
#   scripts/fuzz.sh 0 .build-fuzz/crash-…            replays one saved input
#   scripts/fuzz.sh coverage                         line coverage of the fuzzed files by the corpus
#
# The growing corpus is kept in .build-fuzz/corpus (ignored by git); a failing input is saved
# as .build-fuzz/crash-<sha1> and the run exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
out=.build-fuzz
mkdir -p "$out/corpus"

sources=(
  Sources/TobaRPC/JSON/*.swift
  Sources/TobaRPC/Message/*.swift
  Sources/TobaRPC/Transport/LineFramer.swift
  Sources/TobaRPC/Dispatch/Params.swift
  Fuzz/Sources/*.swift
)
if [ "$seconds" = coverage ]; then
  # The same target with source-based coverage instead of the sanitizers, run once over the corpus.
  swiftc -swift-version 6 -module-name TobaRPC -package-name toba_register -parse-as-library -Onone -sanitize=fuzzer \
    -profile-generate -profile-coverage-mapping \
    "${sources[@]}" -o "$out/fuzz-coverage" 2> >(grep -v "Cannot export local symbol" >&2)
  rm -f "$out"/coverage-*.profraw
  LLVM_PROFILE_FILE="$out/coverage-%p.profraw" SWIFT_BACKTRACE=enable=no \
    "$out/fuzz-coverage" -runs=0 "$out/corpus" Fuzz/corpus > "$out/coverage-run.log" 2>&1
  llvm-profdata merge -sparse "$out"/coverage-*.profraw -o "$out/coverage.profdata"
  exec llvm-cov report "$out/fuzz-coverage" -instr-profile="$out/coverage.profdata" \
    Sources/TobaRPC/JSON Sources/TobaRPC/Message Sources/TobaRPC/Transport/LineFramer.swift Sources/TobaRPC/Dispatch/Params.swift
fi

# One module named TobaRPC, so the target reaches internal API (Request.validate, UTF8Validation).
swiftc -swift-version 6 -module-name TobaRPC -package-name toba_register -parse-as-library -O -g \
  -sanitize=fuzzer,address \
  "${sources[@]}" -o "$out/fuzz-tobarpc" 2> >(grep -v "Cannot export local symbol" >&2)

# Swift's own crash handler would fight AddressSanitizer's; libFuzzer reports the crash.
export SWIFT_BACKTRACE=enable=no
if [ "$seconds" = 0 ]; then
  exec "$out/fuzz-tobarpc" "$@"
fi
exec "$out/fuzz-tobarpc" "$out/corpus" Fuzz/corpus \
  -dict=Fuzz/json.dict -max_total_time="$seconds" -max_len=4096 -timeout=10 \
  -artifact_prefix="$out/" -print_final_stats=1 "$@"
