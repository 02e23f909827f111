#!/usr/bin/env bash
# The long fuzz run behind the README's reliability figures: runs one test of
# tests/it/fuzz_inputs.rs (in the `it` test binary) in a release build, in chunks of
# fresh random cases, until TOTAL cases have completed. A chunk whose process aborts (a
# failed allocation inside a decoder cannot be caught as a panic) is counted as an abort
# and its case kept in target/tmp/fuzz-long/TEST/abort-N; a panic is counted from the
# test's own summary line.
#
#   bash tests/fuzz_long.sh TEST TOTAL [CHUNK]
#   e.g. bash tests/fuzz_long.sh fuzz_parquet_arrow_readers 400000 5000
#
# TEST is fuzz_csv_readers, fuzz_parquet_arrow_readers or fuzz_config_parser. Run two at
# once on a 2-core machine (each runs one case at a time), with FUZZ_TAG=a and FUZZ_TAG=b
# when both run the same test, so that each keeps its own folder.
set -uo pipefail
cd "$(dirname "$0")/.."
test=$1; total=$2; chunk=${3:-5000}
bin=$(cargo test --release --test it --no-run --message-format=json 2>/dev/null \
    | grep -o '"executable":"[^"]*/deps/it-[^"]*"' | tail -1 | cut -d'"' -f4)
[ -x "$bin" ] || { echo "could not build the fuzz binary"; exit 1; }
out=target/tmp/fuzz-long/$test${FUZZ_TAG:+-$FUZZ_TAG}; mkdir -p "$out"
done_cases=0; chunks=0; aborts=0; panics=0; start=$(date +%s)
while [ "$done_cases" -lt "$total" ]; do
    chunks=$((chunks + 1))
    log=$out/chunk-$chunks.log
    ECOGRAPH_FUZZ_KEEP_GOING=1 ECOGRAPH_FUZZ_CASES=$chunk \
        "$bin" --exact "fuzz_inputs::$test" --nocapture --test-threads=1 >"$log" 2>&1
    rc=$?
    line=$(grep -oE "fuzz: $test: [0-9]+ cases, [0-9]+ panics" "$log" | tail -1)
    if [ -n "$line" ]; then
        n=$(sed -E 's/.*: ([0-9]+) cases, ([0-9]+) panics.*/\1/' <<<"$line")
        p=$(sed -E 's/.*: ([0-9]+) cases, ([0-9]+) panics.*/\2/' <<<"$line")
        done_cases=$((done_cases + n)); panics=$((panics + p))
        [ "$p" = 0 ] && [ "$rc" = 0 ] && rm -f "$log"
    else
        aborts=$((aborts + 1))
        for d in target/tmp/fuzz-scratch/"$test"-*; do [ -d "$d" ] && mv "$d" "$out/abort-$chunks"; done
    fi
    echo "$(date +%T) $test: $done_cases/$total cases, $panics panics, $aborts aborted chunks, $(($(date +%s) - start)) s" >>"$out/progress.txt"
done
echo "$test: $done_cases cases in $(($(date +%s) - start)) s: $panics panics, $aborts aborted chunks of $chunk" | tee -a "$out/progress.txt"
