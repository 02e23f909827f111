#!/usr/bin/env bash
# Each stage of `ecograph analyze` at several sizes, and how its time grows (issue 27,
# point 3): the stage times of ecosystem_summary.json's timings_s, medians over RUNS
# runs, and the growth exponent of each stage between consecutive sizes (the log-log
# slope, time ~ partners^k).
#
#   benches/stages.sh DATA_ROOT RUNS SIZE...
#
#   DATA_ROOT  folder holding one input folder per size, DATA_ROOT/eco-SIZE, made with
#              `ecograph generate --out DATA_ROOT/eco-SIZE --partners SIZE
#              --deals $((50 * SIZE)) --seed 42` when missing
#   RUNS       timed runs per size (medians reported)
#   SIZE       partners, e.g. 10000 100000 1000000 (a 1M run takes ~11 min and up to
#              21 GB: check `free -g` first)
#
# Environment: ECOGRAPH=path, the binary (default target/release/ecograph).
# Each run: `/usr/bin/time -f "%e %M" ecograph analyze DATA --out OUT --overwrite
# --quiet -v` with the defaults. Prints a Markdown table (seconds per stage per size,
# then the exponents) and writes DATA_ROOT/stages.json.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_ROOT="$1"
RUNS="$2"
shift 2
ECOGRAPH="${ECOGRAPH:-$ROOT/target/release/ecograph}"
RUNS_FILE="$DATA_ROOT/stages.runs.jsonl"
: > "$RUNS_FILE"
for size in "$@"; do
  data="$DATA_ROOT/eco-$size"
  if [ ! -f "$data/deal_partners.csv" ]; then
    "$ECOGRAPH" generate --out "$data" --partners "$size" --deals $((50 * size)) \
      --seed 42 --quiet
  fi
  for i in $(seq 1 "$RUNS"); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -f "%e %M" -o "$DATA_ROOT/time.txt" \
      "$ECOGRAPH" analyze "$data" --out "$DATA_ROOT/out-$size" --overwrite --quiet -v \
      2> "$DATA_ROOT/stderr-$size.txt"
    read -r wall rss < "$DATA_ROOT/time.txt"
    python3 - "$size" "$wall" "$rss" "$load" "$DATA_ROOT/out-$size/ecosystem_summary.json" \
      >> "$RUNS_FILE" <<'PY'
import json, sys
size, wall, rss, load, summary = sys.argv[1:]
t = json.load(open(summary))["timings_s"]
print(json.dumps({"partners": int(size), "wall_s": float(wall), "max_rss_kb": int(rss),
                  "loadavg_before": float(load), "timings_s": t}))
PY
    printf '== %s partners, run %s: wall %s s, maxrss %s KB (load avg before %s)\n' \
      "$size" "$i" "$wall" "$rss" "$load" >&2
  done
done
python3 - "$RUNS_FILE" "$DATA_ROOT/stages.json" <<'PY'
import json, math, statistics, sys
from pathlib import Path
runs = [json.loads(l) for l in Path(sys.argv[1]).read_text().splitlines()]
sizes = sorted({r["partners"] for r in runs})
stages = list(dict.fromkeys(s for r in runs for s in r["timings_s"]))
med = {n: {s: statistics.median(r["timings_s"][s] for r in runs
                                if r["partners"] == n and s in r["timings_s"])
           for s in stages} for n in sizes}
wall = {n: statistics.median(r["wall_s"] for r in runs if r["partners"] == n) for n in sizes}
rss = {n: max(r["max_rss_kb"] for r in runs if r["partners"] == n) for n in sizes}
slope = lambda a, b, ta, tb: math.log(tb / ta) / math.log(b / a) if ta > 0 and tb > 0 else None
pairs = list(zip(sizes, sizes[1:]))
fmt = lambda k: "" if k is None else f"{k:.2f}"
head = "| stage | " + " | ".join(f"{n:,}" for n in sizes) + " | " + " | ".join(
    f"k {a // 1000}k→{b // 1000}k" for a, b in pairs) + " |"
print(head)
print("|" + "---|" * (1 + len(sizes) + len(pairs)))
for s in stages + ["wall"]:
    t = wall if s == "wall" else {n: med[n][s] for n in sizes}
    print(f"| {s} | " + " | ".join(f"{t[n]:.3f}" for n in sizes) + " | " +
          " | ".join(fmt(slope(a, b, t[a], t[b])) for a, b in pairs) + " |")
print("| peak RSS (GB) | " + " | ".join(f"{rss[n] / 1e6:.2f}" for n in sizes) + " |" +
      " |" * len(pairs))
Path(sys.argv[2]).write_text(json.dumps(
    {"median_s": {str(n): med[n] for n in sizes}, "wall_s": wall, "max_rss_kb": rss,
     "runs": runs}, indent=2))
PY
