#!/usr/bin/env python3
"""NetworKit's centrality suite on the co-sell network ecograph analyzed, timed in the
same run, and its betweenness compared with ecograph's.

    centrality.py DATA_DIR ECOGRAPH_OUT_DIR [--runs 3] [--measures LIST]

Called by centrality.sh (which also times ecograph). LIST is a comma list of the
measures below (default: all of them); betweenness is compared with ECOGRAPH_OUT_DIR's
partner_metrics only when it is in the list, and ECOGRAPH_OUT_DIR may be `-` without it. The co-sell network is built from
the CSV tables with peers.py's `build_pairs` (the same edge list for every library; its
time is not counted). NetworKit uses all cores (OpenMP), like ecograph's rayon pool.

Timed per run (median reported):
  betweenness   nk.centrality.Betweenness(hops, normalized=False)   exact Brandes
  closeness     nk.centrality.Closeness(hops, True, Generalized)    Wasserman-Faust
  harmonic      nk.centrality.HarmonicCloseness(hops, normalized=True)
  clustering    nk.centrality.LocalClusteringCoefficient(hops)
  core_number   nk.centrality.CoreDecomposition(hops)
  community     nk.community.PLM(g, refine=False) + modularity   (Louvain)
Prints a JSON document on stdout.
"""
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peers import build_pairs, load_tables  # noqa: E402


def main():
    data = Path(sys.argv[1])
    eco_out = None if sys.argv[2] == "-" else Path(sys.argv[2])
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    every = ("betweenness", "closeness", "harmonic", "clustering", "core_number", "community")
    measures = (sys.argv[sys.argv.index("--measures") + 1].split(",")
                if "--measures" in sys.argv else list(every))
    unknown = sorted(set(measures) - set(every))
    if unknown:
        raise SystemExit(f"--measures: unknown {unknown}; choose from {', '.join(every)}")
    if "betweenness" in measures and eco_out is None:
        raise SystemExit("comparing betweenness needs ecograph's output folder")
    import networkit as nk
    import pyarrow.parquet as pq

    partners, deals, deal_partners = load_tables(data)
    n, pa, pb, w = build_pairs(partners, deals, deal_partners)
    # Betweenness, closeness and harmonic are by hops in the contract (NetworKit would run
    # Dijkstra on a weighted graph), clustering and cores are unweighted: those run on
    # `hops`. Louvain's modularity is weighted by w: PLM runs on `g`.
    g = nk.Graph(n, weighted=True, directed=False)
    g.addEdges((w, (pa.astype(np.uint64), pb.astype(np.uint64))))
    hops = nk.Graph(n, weighted=False, directed=False)
    hops.addEdges((pa.astype(np.uint64), pb.astype(np.uint64)))

    def timed(f):
        t = time.perf_counter()
        out = f()
        return time.perf_counter() - t, out

    times = {k: [] for k in every if k in measures}
    bc = None
    modularity = None
    for _ in range(runs):
        if "betweenness" in measures:
            s, a = timed(lambda: nk.centrality.Betweenness(hops, normalized=False).run())
            times["betweenness"].append(s)
            bc = np.array(a.scores())
        if "closeness" in measures:
            s, _ = timed(lambda: nk.centrality.Closeness(
                hops, True, nk.centrality.ClosenessVariant.Generalized).run())
            times["closeness"].append(s)
        if "harmonic" in measures:
            s, _ = timed(lambda: nk.centrality.HarmonicCloseness(hops, normalized=True).run())
            times["harmonic"].append(s)
        if "clustering" in measures:
            s, _ = timed(lambda: nk.centrality.LocalClusteringCoefficient(hops).run())
            times["clustering"].append(s)
        if "core_number" in measures:
            s, _ = timed(lambda: nk.centrality.CoreDecomposition(hops).run())
            times["core_number"].append(s)

        def plm():
            algo = nk.community.PLM(g, refine=False)
            algo.run()
            return nk.community.Modularity().getQuality(algo.getPartition(), g)
        if "community" in measures:
            s, modularity = timed(plm)
            times["community"].append(s)

    doc = {
        "networkit_version": nk.__version__,
        "threads": nk.getMaxNumberOfThreads(),
        "partners": n,
        "cosell_edges": int(hops.numberOfEdges()),
        "measures": [k for k in every if k in measures],
        "networkit_median_s": {k: statistics.median(v) for k, v in times.items()},
        "networkit_runs_s": times,
        "networkit_plm_modularity": modularity,
    }
    summary_file = eco_out / "ecosystem_summary.json" if eco_out else None
    if summary_file and summary_file.exists():
        doc["ecograph_modularity"] = json.loads(summary_file.read_text())["network"]["modularity"]
    if "betweenness" not in measures:
        print(json.dumps(doc, indent=2))
        return

    # ecograph's betweenness (NetworkX-normalised) back to NetworKit's unnormalised
    # scale: x (n-1)(n-2). NetworKit's undirected scores count every pair from both ends
    # (twice NetworkX's unnormalised value; checked: the ratio is 2 to 1e-13 at 20k).
    eco = pq.read_table(eco_out / "partner_metrics.parquet",
                        columns=["partner_id", "betweenness"]).to_pandas()
    order = {p: i for i, p in enumerate(partners["partner_id"])}
    eco_bc = np.zeros(n)
    eco_bc[[order[p] for p in eco["partner_id"]]] = eco["betweenness"].to_numpy()
    eco_pairs = eco_bc * (n - 1) * (n - 2)
    scale = max(1.0, float(np.max(np.abs(bc))))
    doc["betweenness_max_abs_diff_pairs"] = float(np.max(np.abs(eco_pairs - bc)))
    doc["betweenness_max_rel_diff"] = float(np.max(np.abs(eco_pairs - bc)) / scale)
    print(json.dumps(doc, indent=2))


if __name__ == "__main__":
    main()
