#!/usr/bin/env bash
# Exact betweenness and the centrality suite: ecograph against NetworKit, same network,
# same machine, same run; and the like-for-like pair of issue 13 point 5 (clustering
# alone against LocalClusteringCoefficient, one Louvain trial against one PLM run).
#
#   benches/peers/centrality.sh [PARTNERS] [RUNS]
#
#   PARTNERS  partners of the generated ecosystem (default 20000; deals = 20 per partner,
#             seed 7, the mix of the 100k / 3M benchmark data)
#   RUNS      timed runs of each tool (default 3; medians reported)
#
# Environment:
#   FULL=1    (default) also time the whole suite with exact betweenness, as before;
#             FULL=0 times only the like-for-like pair on both sides (seconds instead of
#             the minutes NetworKit's exact betweenness and closeness take)
#   ECOGRAPH=path   binary to benchmark (default target/release/ecograph)
#
# ecograph's per-measure times come from ecosystem_summary.json's timings_s:
#   - whole suite: `analyze` with --betweenness-exact-limit above the partner count
#     (stages betweenness, closeness + harmonic, clustering + structural holes, core
#     number, communities: Louvain best of --community-trials 4);
#   - clustering alone: `analyze --metrics clustering` (stage clustering: triangle
#     counting, no constraint or effective size);
#   - one Louvain trial: `analyze --metrics community --community-trials 1` (stage
#     communities, which includes computing the modularity, as NetworKit's side does).
# NetworKit's side is centrality.py. Uses the same virtualenv as run.sh
# (benches/peers/.venv from requirements.txt).
# Writes benches/peers/results/centrality-PARTNERS.json and prints a Markdown table.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PARTNERS="${1:-20000}"
RUNS="${2:-3}"
FULL="${FULL:-1}"
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

# timings RUN_OUT WALL RSS: one JSON line of the run's timings_s, wall, peak RSS and
# modularity.
timings() {
  "$VENV/bin/python" -c "import json,sys; s=json.load(open(sys.argv[1])); t=s['timings_s']; \
t['wall']=float(sys.argv[2]); t['max_rss_mib']=int(sys.argv[3])//1024; \
t['modularity']=s['network']['modularity']; print(json.dumps(t))" "$1/ecosystem_summary.json" "$2" "$3"
}

OUT="$RESULTS/ecograph-centrality-$PARTNERS"
: > "$OUT.timings.jsonl"
if [ "$FULL" = 1 ]; then
  for i in $(seq 1 "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$OUT.time" \
      "$ECOGRAPH" analyze "$DATA" --out "$OUT" --overwrite --quiet \
      --betweenness-exact-limit 100000000
    read -r wall rss < "$OUT.time"
    timings "$OUT" "$wall" "$rss" >> "$OUT.timings.jsonl"
    log "ecograph whole suite, run $i: wall ${wall}s, max RSS $((rss / 1024)) MiB"
  done
fi

# The like-for-like pair, alternating.
ALONE="$RESULTS/ecograph-alone-$PARTNERS"
: > "$ALONE-clustering.timings.jsonl"
: > "$ALONE-community.timings.jsonl"
for i in $(seq 1 "$RUNS"); do
  /usr/bin/time -f "%e %M" -o "$ALONE.time" \
    "$ECOGRAPH" analyze "$DATA" --out "$ALONE-clustering" --overwrite --quiet \
    --metrics clustering
  read -r wall rss < "$ALONE.time"
  timings "$ALONE-clustering" "$wall" "$rss" >> "$ALONE-clustering.timings.jsonl"
  /usr/bin/time -f "%e %M" -o "$ALONE.time" \
    "$ECOGRAPH" analyze "$DATA" --out "$ALONE-community" --overwrite --quiet \
    --metrics community --community-trials 1
  read -r wall rss < "$ALONE.time"
  timings "$ALONE-community" "$wall" "$rss" >> "$ALONE-community.timings.jsonl"
  log "ecograph clustering alone and one Louvain trial, run $i"
done

if [ "$FULL" = 1 ]; then
  log "NetworKit, whole suite, $RUNS runs"
  "$VENV/bin/python" "$HERE/centrality.py" "$DATA" "$OUT" --runs "$RUNS" \
    > "$RESULTS/networkit-centrality-$PARTNERS.json"
else
  log "NetworKit, clustering and PLM, $RUNS runs"
  "$VENV/bin/python" "$HERE/centrality.py" "$DATA" - --runs "$RUNS" \
    --measures clustering,community > "$RESULTS/networkit-centrality-$PARTNERS.json"
fi
if [ "$ECOGRAPH" = "$ROOT/target/release/ecograph" ]; then
  COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
else
  COMMIT="(ECOGRAPH=$ECOGRAPH)"
fi
"$VENV/bin/python" - "$RESULTS" "$PARTNERS" "$FULL" "$COMMIT" "$ECOGRAPH" <<'PY'
import json, statistics, sys
from pathlib import Path
res, p, full, commit, binary = Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "1", sys.argv[4], sys.argv[5]
def runs(name):
    f = res / name
    return [json.loads(l) for l in f.read_text().splitlines()] if f.exists() else []
eco = runs(f"ecograph-centrality-{p}.timings.jsonl")
cl = runs(f"ecograph-alone-{p}-clustering.timings.jsonl")
one = runs(f"ecograph-alone-{p}-community.timings.jsonl")
nk = json.loads((res / f"networkit-centrality-{p}.json").read_text())
nkm = nk["networkit_median_s"]
med = lambda rs, k: statistics.median(r[k] for r in rs)
rows = []
if full:
    rows += [("betweenness (exact)", med(eco, "betweenness"), nkm["betweenness"]),
             ("closeness + harmonic", med(eco, "closeness + harmonic"),
              nkm["closeness"] + nkm["harmonic"]),
             ("clustering (ecograph: + constraint, effective size; not like for like)",
              med(eco, "clustering + structural holes"), nkm["clustering"]),
             ("core number", med(eco, "core number"), nkm["core_number"]),
             ("communities (ecograph: best of 4 Louvain trials; not like for like)",
              med(eco, "communities"), nkm["community"])]
# Binaries before the triangle-counting kernel time --metrics clustering as
# "clustering + structural holes" (they computed all three).
for r in cl:
    r.setdefault("clustering", r.get("clustering + structural holes"))
like = [("clustering alone (`--metrics clustering`) vs LocalClusteringCoefficient",
         med(cl, "clustering"), nkm["clustering"]),
        ("communities, one Louvain trial (`--metrics community --community-trials 1`) "
         "vs one PLM run", med(one, "communities"), nkm["community"])]
rows += like
doc = {"partners": nk["partners"], "cosell_edges": nk["cosell_edges"], "commit": commit,
       "ecograph": binary, "runs": len(cl), "rows": rows, "like_for_like": like,
       "ecograph_clustering_alone_runs_s": [r["clustering"] for r in cl],
       "ecograph_one_trial_runs_s": [r["communities"] for r in one],
       "modularity": {"ecograph_one_trial": one[0]["modularity"],
                      "ecograph_four_trials": eco[0]["modularity"] if eco else None,
                      "networkit_plm_last_run": nk["networkit_plm_modularity"]},
       "networkit": nk}
if eco:
    doc["ecograph_wall_median_s"] = med(eco, "wall")
    doc["ecograph_max_rss_mib"] = max(r["max_rss_mib"] for r in eco)
(res / f"centrality-{p}.json").write_text(json.dumps(doc, indent=2))
print(f"{nk['partners']} partners, {nk['cosell_edges']} co-sell edges; medians of "
      f"{len(cl)} runs; ecograph {commit}, NetworKit {nk['networkit_version']} "
      f"({nk['threads']} threads)")
print("| measure | ecograph | NetworKit | ratio (NetworKit / ecograph) |")
print("|---|---|---|---|")
for name, e, k in rows:
    print(f"| {name} | {e:.3f} s | {k:.3f} s | {k / e:.2f}x |")
m = doc["modularity"]
print(f"modularity: ecograph one trial {m['ecograph_one_trial']:.4f}"
      + (f", best of 4 trials {m['ecograph_four_trials']:.4f}" if eco else "")
      + f"; NetworKit PLM {m['networkit_plm_last_run']:.4f} (last run)")
if eco:
    print(f"ecograph analyze wall (whole suite): {doc['ecograph_wall_median_s']:.2f} s, "
          f"peak RSS {doc['ecograph_max_rss_mib']} MiB")
    print(f"betweenness agreement: max |diff| {nk['betweenness_max_abs_diff_pairs']:.3g} pairs "
          f"(relative {nk['betweenness_max_rel_diff']:.3g})")
PY
