#!/usr/bin/env bash
# Exact betweenness alone, one thread each: ecograph (batched kernel, and the
# one-source-per-sweep kernel it replaced) against python-igraph and NetworKit, on the
# same co-sell networks, in the same run (issue 27 point 4).
#
#   benches/peers/betweenness.sh [PARTNERS] [RUNS]
#
#   PARTNERS  partners of the generated ecosystem (default 20000; 30 deals per partner,
#             seed 7: `ecograph generate --partners 20000 --deals 600000 --seed 7`)
#   RUNS      timed runs of each tool (default 3; medians reported)
#   NETWORKIT=0 in the environment skips NetworKit (about 10x igraph's time at 20k).
#
# Networks: the generated ecosystem's co-sell network and the classic ones committed in
# tests/fixtures/classic (karate, lesmis, florentine, davis). ecograph's side is the
# example betweenness_bench (built here with cargo --release), which also writes each
# co-sell network as an edge list for betweenness.py (igraph, NetworKit). Uses the same
# virtualenv as run.sh (benches/peers/.venv from requirements.txt).
# Writes benches/peers/results/betweenness-*.json and prints a Markdown table.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PARTNERS="${1:-20000}"
RUNS="${2:-3}"
RESULTS="$HERE/results"
DATA="$HERE/data/b$PARTNERS"
mkdir -p "$RESULTS"
log() { printf '== %s\n' "$*" >&2; }

# shellcheck source=venv.sh
source "$HERE/venv.sh"
(cd "$ROOT" && cargo build --release --quiet --example betweenness_bench)
BENCH="$ROOT/target/release/examples/betweenness_bench"
if [ ! -f "$DATA/deal_partners.csv" ]; then
  log "generating $PARTNERS partners, $((PARTNERS * 30)) deals, seed 7"
  "$ROOT/target/release/ecograph" generate --out "$DATA" --partners "$PARTNERS" \
    --deals $((PARTNERS * 30)) --seed 7 --overwrite --quiet 2>/dev/null ||
    (cd "$ROOT" && cargo run --release --quiet -- generate --out "$DATA" \
      --partners "$PARTNERS" --deals $((PARTNERS * 30)) --seed 7 --overwrite --quiet)
fi

COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
names=("generated-$PARTNERS")
inputs=("$DATA")
for c in karate lesmis florentine davis; do
  names+=("$c")
  inputs+=("$ROOT/tests/fixtures/classic/$c")
done
for i in "${!names[@]}"; do
  name=${names[$i]}
  out="$RESULTS/betweenness-$name"
  log "$name: ecograph, $RUNS runs of each kernel"
  "$BENCH" "${inputs[$i]}" "$out.edges" "$RUNS" > "$out.ecograph.jsonl"
  log "$name: igraph and NetworKit, $RUNS runs"
  nk_flag=()
  [ "${NETWORKIT:-1}" = 0 ] && nk_flag=(--no-networkit)
  "$VENV/bin/python" "$HERE/betweenness.py" "$out.edges" --runs "$RUNS" \
    --ecograph "$out.edges.ecograph.json" "${nk_flag[@]}" > "$out.peers.json"
done

"$VENV/bin/python" - "$RESULTS" "$COMMIT" "${names[@]}" <<'PY'
import json, statistics, sys
from pathlib import Path
res, commit, names = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
med = statistics.median
print(f"ecograph {commit}; one thread each; medians; CPU = ecograph's thread CPU time")
print("| network | partners / edges | ecograph (CPU) | ecograph before | igraph | NetworKit "
      "| igraph / ecograph | NetworKit / ecograph | max rel. diff vs igraph |")
print("|---|---|---|---|---|---|---|---|---|")
for name in names:
    e = json.loads((res / f"betweenness-{name}.ecograph.jsonl").read_text())
    p = json.loads((res / f"betweenness-{name}.peers.json").read_text())
    new, old = med(e["exact_wall_s"]), med(e["reference_wall_s"])
    cpu = med(e["exact_cpu_s"])
    nk = p.get("networkit_median_s")
    nk_s, nk_x = (f"{nk:.4g} s", f"{nk / new:.2f}x") if nk else ("not run", "")
    print(f"| {name} | {e['with_edge']:,} / {e['edges']:,} | {new:.4g} s ({cpu:.4g} s) "
          f"| {old:.4g} s | {p['igraph_median_s']:.4g} s | {nk_s} "
          f"| {p['igraph_median_s'] / new:.2f}x | {nk_x} "
          f"| {p['ecograph_vs_igraph_max_rel_diff']:.2g} |")
PY
