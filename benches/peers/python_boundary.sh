#!/usr/bin/env bash
# Python: tables in memory against the command line reading files (issue 25). On the
# same 100k data (run.sh's, seed 7), each measurement one process under /usr/bin/time
# (wall clock and peak resident memory of the whole process):
#   (a) `ecograph analyze CSV_DIR` (the command line, CSV);
#   (b) `ecograph analyze PARQUET_DIR` (the same tables as Parquet, written once by
#       polars from the CSVs with text kept as text and amount as Float64);
#   (c) Python: polars reads the Parquet tables, then `ecograph.analyze(dict of
#       DataFrames)`; the process's wall and peak include polars' read and the
#       DataFrames; the script also prints the read, the crossing alone
#       (`_ecograph.import_seconds`) and the analyze call;
#   (d) Python: `ecograph.analyze(PARQUET_DIR)`, the wrapper over the same run as (b).
# Every run: --threads 2, default metrics, output Parquet.
#
#   benches/peers/python_boundary.sh [SIZE] [RUNS]      (SIZE 10k or 100k; RUNS 3)
#
# Needs target/release/ecograph (cargo build --release) and the release wheel
# (maturin build --release -m python/Cargo.toml, in target/wheels), which it installs
# into benches/peers/.venv (requirements.txt: polars pinned there).
# Writes benches/peers/results/python-SIZE.json and prints a Markdown table.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SIZE="${1:-100k}"
RUNS="${2:-3}"
ECOGRAPH="${ECOGRAPH:-$ROOT/target/release/ecograph}"
case "$SIZE" in
  10k)  PARTNERS=10000;  DEALS=200000 ;;
  100k) PARTNERS=100000; DEALS=3000000 ;;
  *) echo "unknown size '$SIZE' (use 10k or 100k)" >&2; exit 2 ;;
esac
DATA="$HERE/data/$SIZE"
PQ="$HERE/data/$SIZE-parquet"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
RESULTS="$HERE/results"
mkdir -p "$HERE/data" "$RESULTS"
log() { printf '== %s\n' "$*" >&2; }
# shellcheck source=venv.sh
source "$HERE/venv.sh"
# shellcheck source=gnu_time.sh
source "$HERE/gnu_time.sh"
WHEEL="$(ls -t "$ROOT"/target/wheels/ecograph-*.whl 2>/dev/null | head -1)"
if [ -z "$WHEEL" ]; then
  echo "no wheel in target/wheels: maturin build --release -m python/Cargo.toml" >&2
  exit 1
fi
"$VENV/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps "$WHEEL"
if [ ! -f "$DATA/deal_partners.csv" ]; then
  log "generating $SIZE"
  "$ECOGRAPH" generate --out "$DATA" --partners "$PARTNERS" --deals "$DEALS" --seed 7 --overwrite --quiet
fi
if [ ! -f "$PQ/deals.parquet" ]; then
  log "writing the Parquet copy"
  "$VENV/bin/python" "$HERE/python_boundary.py" prepare "$DATA" "$PQ"
fi

# timed LABEL CMD...: appends {"label","wall_s","peak_kb","extra"} to $WORK/runs.jsonl
timed() {
  local label=$1; shift
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" > "$WORK/stdout"
  read -r wall peak < "$WORK/time"
  local extra; extra="$(tail -1 "$WORK/stdout")"
  [ -n "$extra" ] || extra='{}'
  local lv; lv="$("$VENV/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["timings_s"]["load + validate"])' "$WORK/o/ecosystem_summary.json")"
  printf '{"label":"%s","wall_s":%s,"peak_kb":%s,"load_validate_s":%s,"extra":%s}\n' "$label" "$wall" "$peak" "$lv" "$extra" >> "$WORK/runs.jsonl"
  log "$label: ${wall}s, $((peak / 1024)) MB"
}
for run in $(seq "$RUNS"); do
  log "run $run of $RUNS"
  timed cli-csv "$ECOGRAPH" analyze "$DATA" --out "$WORK/o" --overwrite --threads 2 --quiet
  timed cli-parquet "$ECOGRAPH" analyze "$PQ" --out "$WORK/o" --overwrite --threads 2 --quiet
  timed python-memory "$VENV/bin/python" "$HERE/python_boundary.py" memory "$PQ" "$WORK/o" 2
  timed python-folder "$VENV/bin/python" "$HERE/python_boundary.py" folder "$PQ" "$WORK/o" 2
done
"$VENV/bin/python" - "$WORK/runs.jsonl" "$RESULTS/python-$SIZE.json" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
json.dump(runs, open(sys.argv[2], "w"), indent=1)
med = lambda xs: statistics.median(xs) if xs else float("nan")
print("| run | wall (median) | peak memory (median) | load + validate | notes |")
print("|---|---|---|---|---|")
for label in ["cli-csv", "cli-parquet", "python-memory", "python-folder"]:
    rs = [r for r in runs if r["label"] == label]
    notes = ""
    if label == "python-memory":
        notes = "read %.2f s, crossing %.4f s, analyze call %.2f s" % tuple(
            med([r["extra"][k] for r in rs]) for k in ("read_s", "crossing_s", "analyze_s"))
    lv = [r["load_validate_s"] for r in rs]
    print("| %s | %.2f s | %.0f MB | %s | %s |" % (
        label, med([r["wall_s"] for r in rs]), med([r["peak_kb"] for r in rs]) / 1024,
        ("%.2f s" % med(lv)) if lv else "", notes))
PY
