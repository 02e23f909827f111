#!/usr/bin/env bash
# The Spark job in local mode against the command line, on the same generated
# ecosystem, same machine, same run (issue 28): `ecograph analyze` (release binary)
# and `python -m ecograph.spark --master local[2] --driver-memory 6g` (the release wheel built into the
# Spark venv), each RUNS times, wall time and peak memory (GNU time; the Spark run's
# peak is the driver's Python process plus the JVM, both children of the timed
# command). Checks that both wrote the same table bytes.
#
#   benches/peers/spark.sh [PARTNERS] [RUNS]
#
#   PARTNERS  partners of the ecosystem (default 10000; 30 deals per partner, seed 7:
#             `ecograph generate --partners N --deals 30N --seed 7`)
#   RUNS      timed runs of each (default 3; medians reported)
#
# Needs Java 17+ and the venv target/spark-venv from python/requirements-spark.txt
# (made here if missing, as .ci/run makes it).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PARTNERS="${1:-10000}"
RUNS="${2:-3}"
DATA="$HERE/data/s$PARTNERS"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
log() { printf '== %s\n' "$*" >&2; }

SPVENV="$ROOT/target/spark-venv"
if [ ! -x "$SPVENV/bin/python" ]; then
  python3 -m venv "$SPVENV"
  "$SPVENV/bin/pip" install -q -r "$ROOT/python/requirements-spark.txt"
fi
(cd "$ROOT" && cargo build --release --locked --quiet)
VIRTUAL_ENV="$SPVENV" PATH="$SPVENV/bin:$PATH" \
  maturin develop --release --locked --manifest-path "$ROOT/python/Cargo.toml" >&2
BIN="$ROOT/target/release/ecograph"
if [ ! -f "$DATA/deal_partners.csv" ]; then
  log "generating $PARTNERS partners, $((PARTNERS * 30)) deals, seed 7"
  "$BIN" generate --out "$DATA" --partners "$PARTNERS" --deals $((PARTNERS * 30)) \
    --seed 7 --overwrite --quiet
fi

# time_of LABEL CMD...: runs CMD under GNU time; prints "seconds peak_kb".
time_of() {
  local out="$WORK/time"
  /usr/bin/time -f '%e %M' -o "$out" "$@" >/dev/null 2>"$WORK/stderr" ||
    { cat "$WORK/stderr" >&2; exit 1; }
  cat "$out"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

: >"$WORK/cli" && : >"$WORK/spark"
for i in $(seq "$RUNS"); do
  log "run $i of $RUNS: ecograph analyze"
  time_of "$BIN" analyze "$DATA" --out "$WORK/cli-out" --overwrite --quiet >>"$WORK/cli"
  log "run $i of $RUNS: python -m ecograph.spark --master local[2]"
  PYSPARK_PYTHON="$SPVENV/bin/python" time_of "$SPVENV/bin/python" -m ecograph.spark "$DATA" \
    --out "$WORK/spark-out" --overwrite --master 'local[2]' --driver-memory 6g >>"$WORK/spark"
done
for f in "$WORK"/cli-out/*.parquet; do
  cmp -s "$f" "$WORK/spark-out/$(basename "$f")" || { echo "differs: $(basename "$f")" >&2; exit 1; }
done
cli_s=$(cut -d' ' -f1 "$WORK/cli" | median); cli_kb=$(cut -d' ' -f2 "$WORK/cli" | median)
sp_s=$(cut -d' ' -f1 "$WORK/spark" | median); sp_kb=$(cut -d' ' -f2 "$WORK/spark" | median)
echo "| $PARTNERS partners | ecograph analyze ${cli_s} s, $((cli_kb / 1024)) MB | ecograph.spark local[2] ${sp_s} s, $((sp_kb / 1024)) MB | $(awk -v a="$sp_s" -v b="$cli_s" 'BEGIN {printf "%.2fx", a / b}') | every table byte-identical |"
