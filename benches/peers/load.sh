#!/usr/bin/env bash
# Loading against the parser: ecograph's load + validate against polars' plain read_csv
# of the same six contract CSV tables, on the same data, in the same script
# (issue 13 point 3: load + validate at most 3x polars' read_csv).
#
#   benches/peers/load.sh [SIZE] [RUNS]
#
#   SIZE  10k  = 10,000 partners / 200,000 deals (default)
#         100k = 100,000 partners / 3,000,000 deals
#         the data folder of run.sh (benches/peers/data/SIZE, seed 7), generated if
#         missing
#         xl   = 1,000,000 partners / 50,000,000 deals (seed 42, as BENCHMARKS.md's XL
#                section: give its folder with DATA=; 6 GB of CSV, ~20 min to generate)
#   RUNS  timed runs of each of the three (default 5; medians reported)
#
# Environment:
#   ECOGRAPH=path   binary to benchmark (default target/release/ecograph)
#   DATA=path       the input folder to read instead of benches/peers/data/SIZE
#   ANALYZE=0       leave out (c) (at XL `analyze --metrics none` still plans the
#                   overlap tables, minutes of work that are not loading)
#
# Each run, in this order, one process each:
#   (a) polars: load.py, `pl.read_csv(path)` with default options for partners,
#       products, customers, deals, deal_partners and partner_products; the total of the
#       six reads (import and interpreter start not counted);
#   (b) `ecograph validate DATA`: wall clock of the whole process (/usr/bin/time);
#   (c) `ecograph analyze DATA --metrics none -v`: its "load + validate" stage from
#       ecosystem_summary.json's timings_s (reading, validating and the input checksums
#       beside them; no graph or metric work is in it).
# Ratios are ecograph / polars (lower is better; the aim is at most 3x).
# Uses the virtualenv of run.sh (benches/peers/.venv from requirements.txt, polars
# pinned there). Writes benches/peers/results/load-SIZE.json and prints a Markdown table.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SIZE="${1:-10k}"
RUNS="${2:-5}"
ECOGRAPH="${ECOGRAPH:-$ROOT/target/release/ecograph}"
case "$SIZE" in
  10k)  PARTNERS=10000;  DEALS=200000 ;;
  100k) PARTNERS=100000; DEALS=3000000 ;;
  xl)   PARTNERS=1000000; DEALS=50000000 ;;
  *) echo "unknown size '$SIZE' (use 10k, 100k or xl)" >&2; exit 2 ;;
esac
SEED=7
[ "$SIZE" = xl ] && SEED=42
DATA="${DATA:-$HERE/data/$SIZE}"
ANALYZE="${ANALYZE:-1}"
RESULTS="$HERE/results"
mkdir -p "$HERE/data" "$RESULTS"
log() { printf '== %s\n' "$*" >&2; }

if [ ! -x "$ECOGRAPH" ]; then
  echo "no ecograph binary at $ECOGRAPH: build it with 'cargo build --release'" >&2
  exit 1
fi
# shellcheck source=venv.sh
source "$HERE/venv.sh"
# shellcheck source=gnu_time.sh
source "$HERE/gnu_time.sh"

if [ ! -f "$DATA/deal_partners.csv" ]; then
  log "generating $SIZE: $PARTNERS partners, $DEALS deals, seed $SEED"
  "$ECOGRAPH" generate --out "$DATA" --partners "$PARTNERS" --deals "$DEALS" --seed "$SEED" \
    --overwrite --quiet
else
  log "reusing $DATA"
fi
for t in partners products customers deals deal_partners partner_products; do
  [ -f "$DATA/$t.csv" ] || { echo "$DATA/$t.csv is missing" >&2; exit 1; }
done

OUT="$RESULTS/load-$SIZE"
RUNS_FILE="$OUT.runs.jsonl"
: > "$RUNS_FILE"
log "$RUNS runs of polars read_csv, ecograph validate, ecograph analyze --metrics none ($("$ECOGRAPH" --version))"
for i in $(seq 1 "$RUNS"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  polars=$("$VENV/bin/python" "$HERE/load.py" "$DATA")
  /usr/bin/time -f "%e %M" -o "$OUT.validate.time" "$ECOGRAPH" validate "$DATA" > /dev/null
  read -r vwall vrss < "$OUT.validate.time"
  awall=0 arss=0
  if [ "$ANALYZE" != 0 ]; then
    /usr/bin/time -f "%e %M" -o "$OUT.analyze.time" \
      "$ECOGRAPH" analyze "$DATA" --out "$OUT-analyze" --overwrite --quiet -v --metrics none \
      2> "$OUT.analyze.stderr"
    read -r awall arss < "$OUT.analyze.time"
  fi
  "$VENV/bin/python" - "$polars" "$vwall" "$vrss" "$awall" "$arss" "$load" \
    "$OUT-analyze/ecosystem_summary.json" >> "$RUNS_FILE" <<'PY'
import json, sys
polars, vwall, vrss, awall, arss, load, summary = sys.argv[1:]
t = json.load(open(summary))["timings_s"] if float(awall) > 0 else {"load + validate": None}
print(json.dumps({"loadavg_before": float(load), "polars": json.loads(polars),
                  "validate_wall_s": float(vwall), "validate_max_rss_kb": int(vrss),
                  "analyze_load_validate_s": t["load + validate"],
                  "analyze_wall_s": float(awall), "analyze_max_rss_kb": int(arss)}))
PY
  log "  run $i (load avg before: $load): $(tail -n 1 "$RUNS_FILE" | "$VENV/bin/python" -c \
    "import json,sys; r=json.load(sys.stdin); print(f\"polars {r['polars']['total_s']:.3f} s, validate {r['validate_wall_s']:.2f} s, load + validate {r['analyze_load_validate_s'] or 0:.3f} s\")")"
done

if [ "$ECOGRAPH" = "$ROOT/target/release/ecograph" ]; then
  COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
else
  COMMIT="(ECOGRAPH=$ECOGRAPH)"
fi
"$VENV/bin/python" - "$RUNS_FILE" "$OUT.json" "$SIZE" "$DATA" "$COMMIT" \
  "$("$ECOGRAPH" --version)" <<'PY'
import json, statistics, sys
from pathlib import Path
runs_file, out, size, data, commit, version = sys.argv[1:]
runs = [json.loads(l) for l in Path(runs_file).read_text().splitlines()]
med = lambda xs: statistics.median(xs)
polars = med([r["polars"]["total_s"] for r in runs])
validate = med([r["validate_wall_s"] for r in runs])
stage = med([r["analyze_load_validate_s"] or 0 for r in runs])
tables = runs[0]["polars"]["seconds"].keys()
doc = {
    "size": size, "data": data, "runs": len(runs), "ecograph": version, "commit": commit,
    "polars_version": runs[0]["polars"]["polars_version"],
    "polars_threads": runs[0]["polars"]["threads"],
    "input_bytes": {t: (Path(data) / f"{t}.csv").stat().st_size for t in tables},
    "rows": {t: runs[0]["polars"]["shape"][t][0] for t in tables},
    "median_s": {"polars_read_csv_total": polars,
                 "polars_read_csv": {t: med([r["polars"]["seconds"][t] for r in runs])
                                     for t in tables},
                 "ecograph_validate_wall": validate,
                 "ecograph_analyze_load_validate": stage},
    "ratio_to_polars": {"ecograph_validate_wall": validate / polars,
                        "ecograph_analyze_load_validate": stage / polars},
    "max_rss_kb": {"ecograph_validate": max(r["validate_max_rss_kb"] for r in runs),
                   "ecograph_analyze": max(r["analyze_max_rss_kb"] for r in runs)},
    "loadavg_before": [r["loadavg_before"] for r in runs],
    "runs_detail": runs,
}
Path(out).write_text(json.dumps(doc, indent=2))
mib = sum(doc["input_bytes"].values()) / 2**20
print(f"{size}: six CSV tables, {mib:.0f} MiB, {sum(doc['rows'].values()):,} rows; medians of "
      f"{len(runs)} runs; {version} {commit}, polars {doc['polars_version']} "
      f"({doc['polars_threads']} threads)")
print("| step | median | ecograph / polars |")
print("|---|---|---|")
print(f"| polars `pl.read_csv`, six tables, default options | {polars:.3f} s | 1x |")
print(f"| `ecograph validate` (whole process, wall) | {validate:.3f} s | "
      f"{validate / polars:.2f}x |")
if stage:
    print(f"| `ecograph analyze --metrics none`: load + validate stage | {stage:.3f} s | "
          f"{stage / polars:.2f}x |")
print(f"peak RSS: ecograph validate {doc['max_rss_kb']['ecograph_validate'] / 1e6:.2f} GB")
print("polars per table (median): " + ", ".join(
    f"{t} {s:.3f} s" for t, s in doc["median_s"]["polars_read_csv"].items()))
print(f"load average before each run: {doc['loadavg_before']}")
PY
