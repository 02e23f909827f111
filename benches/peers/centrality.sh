#!/usr/bin/env bash
# Exact betweenness and the centrality suite: ecograph against NetworKit, same network,
# same machine, same run.
#
#   benches/peers/centrality.sh [PARTNERS] [RUNS]
#
#   PARTNERS  partners of the generated ecosystem (default 20000; deals = 20 per partner,
#             seed 7, the mix of the 100k / 3M benchmark data)
#   RUNS      timed runs of each tool (default 3; medians reported)
#
# ecograph runs `analyze` with the whole suite and exact betweenness forced
# (--betweenness-exact-limit above the partner count); its per-measure times come from
# ecosystem_summary.json's timings_s. NetworKit's side is centrality.py. Uses the same
# virtualenv as run.sh (benches/peers/.venv from requirements.txt).
# Writes benches/peers/results/centrality-PARTNERS.json.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PARTNERS="${1:-20000}"
RUNS="${2:-3}"
ECOGRAPH="${ECOGRAPH:-$ROOT/target/release/ecograph}"
DATA="$HERE/data/c$PARTNERS"
RESULTS="$HERE/results"
mkdir -p "$RESULTS"
log() { printf '== %s\n' "$*" >&2; }

# shellcheck source=venv.sh
source "$HERE/venv.sh"
# shellcheck source=gnu_time.sh
source "$HERE/gnu_time.sh"

if [ ! -f "$DATA/deal_partners.csv" ]; then
  log "generating $PARTNERS partners, $((PARTNERS * 20)) deals, seed 7"
  "$ECOGRAPH" generate --out "$DATA" --partners "$PARTNERS" --deals $((PARTNERS * 20)) \
    --seed 7 --overwrite --quiet
fi

OUT="$RESULTS/ecograph-centrality-$PARTNERS"
: > "$RESULTS/ecograph-centrality-$PARTNERS.timings.jsonl"
for i in $(seq 1 "$RUNS"); do
  /usr/bin/time -f "%e %M" -o "$OUT.time" \
    "$ECOGRAPH" analyze "$DATA" --out "$OUT" --overwrite --quiet \
    --betweenness-exact-limit 100000000
  read -r wall rss < "$OUT.time"
  "$VENV/bin/python" -c "import json,sys; t=json.load(open(sys.argv[1]))['timings_s']; \
t['wall']=float(sys.argv[2]); t['max_rss_mib']=int(sys.argv[3])//1024; print(json.dumps(t))" \
    "$OUT/ecosystem_summary.json" "$wall" "$rss" >> "$RESULTS/ecograph-centrality-$PARTNERS.timings.jsonl"
  log "ecograph run $i: wall ${wall}s, max RSS $((rss / 1024)) MiB"
done

log "NetworKit, $RUNS runs"
"$VENV/bin/python" "$HERE/centrality.py" "$DATA" "$OUT" --runs "$RUNS" \
  > "$RESULTS/networkit-centrality-$PARTNERS.json"
"$VENV/bin/python" - "$RESULTS" "$PARTNERS" <<'PY'
import json, statistics, sys
from pathlib import Path
res, p = Path(sys.argv[1]), sys.argv[2]
eco = [json.loads(l) for l in (res / f"ecograph-centrality-{p}.timings.jsonl").read_text().splitlines()]
nk = json.loads((res / f"networkit-centrality-{p}.json").read_text())
med = lambda k: statistics.median(r[k] for r in eco)
rows = [("betweenness (exact)", med("betweenness"), nk["networkit_median_s"]["betweenness"]),
        ("closeness + harmonic", med("closeness + harmonic"),
         nk["networkit_median_s"]["closeness"] + nk["networkit_median_s"]["harmonic"]),
        ("clustering (+ constraint, effective size)", med("clustering + structural holes"),
         nk["networkit_median_s"]["clustering"]),
        ("core number", med("core number"), nk["networkit_median_s"]["core_number"]),
        ("communities (Louvain)", med("communities"), nk["networkit_median_s"]["community"])]
doc = {"partners": nk["partners"], "cosell_edges": nk["cosell_edges"], "rows": rows,
       "ecograph_wall_median_s": med("wall"), "ecograph_max_rss_mib": max(r["max_rss_mib"] for r in eco),
       "networkit": nk}
(res / f"centrality-{p}.json").write_text(json.dumps(doc, indent=2))
print(f"{nk['partners']} partners, {nk['cosell_edges']} co-sell edges; medians of the runs")
print("| measure | ecograph | NetworKit | ratio (NetworKit / ecograph) |")
print("|---|---|---|---|")
for name, e, k in rows:
    print(f"| {name} | {e:.3f} s | {k:.3f} s | {k / e:.2f}x |")
print(f"ecograph analyze wall (whole run): {doc['ecograph_wall_median_s']:.2f} s, "
      f"peak RSS {doc['ecograph_max_rss_mib']} MiB")
print(f"betweenness agreement: max |diff| {nk['betweenness_max_abs_diff_pairs']:.3g} pairs "
      f"(relative {nk['betweenness_max_rel_diff']:.3g}); modularity ecograph "
      f"{nk['ecograph_modularity']:.4f}, NetworKit PLM {nk['networkit_plm_modularity']:.4f}")
PY
