#!/usr/bin/env python3
"""Exact betweenness in python-igraph and NetworKit, one thread each, on an edge list,
timed and compared with ecograph's values.

    betweenness.py EDGES [--runs 3] [--ecograph VALUES.json] [--no-networkit]

EDGES is what `betweenness_bench` writes: first line `n m`, then `p q` per edge. Times
(median of --runs):
  igraph     Graph.betweenness(directed=False)                    exact Brandes
  networkit  nk.centrality.Betweenness(g, normalized=False).run()  exact Brandes
with igraph's and NetworKit's thread counts at 1 (igraph's betweenness is single-
threaded anyway; NetworKit's is OpenMP, set to 1 with nk.setNumberOfThreads).
Wall (perf_counter) and process CPU (process_time: what a shared machine disturbs less)
are both recorded. --no-networkit skips NetworKit (about 10x igraph's time at 20k).
Prints one JSON document; with --ecograph (a JSON list of ecograph's NetworkX-normalised
values, partner order), also the largest relative difference to igraph's values.
"""
import json
import statistics
import sys
import time
from pathlib import Path


def main():
    edges = Path(sys.argv[1])
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    import igraph as ig
    import networkit as nk

    lines = edges.read_text().split("\n")
    n, m = map(int, lines[0].split())
    pairs = [tuple(map(int, l.split())) for l in lines[1:] if l]
    assert len(pairs) == m
    gi = ig.Graph(n=n, edges=pairs, directed=False)
    nk.setNumberOfThreads(1)
    gk = nk.Graph(n, weighted=False, directed=False)
    for p, q in pairs:
        gk.addEdge(p, q)

    def timed(f):
        t, c = time.perf_counter(), time.process_time()
        out = f()
        return time.perf_counter() - t, time.process_time() - c, out

    with_nk = "--no-networkit" not in sys.argv
    t_ig, t_nk, c_ig, c_nk = [], [], [], []
    bk = None
    for _ in range(runs):
        s, c, bi = timed(lambda: gi.betweenness(directed=False))
        t_ig.append(s)
        c_ig.append(c)
        if with_nk:
            s, c, a = timed(lambda: nk.centrality.Betweenness(gk, normalized=False).run())
            t_nk.append(s)
            c_nk.append(c)
            bk = a.scores()
    doc = {
        "partners": n,
        "edges": m,
        "igraph_version": ig.__version__,
        "networkit_version": nk.__version__,
        "networkit_threads": nk.getMaxNumberOfThreads(),
        "igraph_runs_s": t_ig,
        "igraph_cpu_s": c_ig,
        "networkit_runs_s": t_nk,
        "networkit_cpu_s": c_nk,
        "igraph_median_s": statistics.median(t_ig),
        "igraph_cpu_median_s": statistics.median(c_ig),
        "networkit_median_s": statistics.median(t_nk) if t_nk else None,
        "networkit_cpu_median_s": statistics.median(c_nk) if c_nk else None,
    }
    # igraph counts each unordered pair once, NetworKit (undirected) twice.
    scale = 1.0 / ((n - 1) * (n - 2) / 2) if n > 2 else 1.0
    ref = [b * scale for b in bi]
    if bk is not None:
        doc["networkit_vs_igraph_max_rel_diff"] = max_rel(ref, [b * scale / 2 for b in bk])
    if "--ecograph" in sys.argv:
        eco = json.loads(Path(sys.argv[sys.argv.index("--ecograph") + 1]).read_text())
        doc["ecograph_vs_igraph_max_rel_diff"] = max_rel(ref, eco)
    print(json.dumps(doc, indent=2))


def max_rel(a, b):
    top = max(1e-300, max(abs(x) for x in a))
    return max(abs(x - y) for x, y in zip(a, b)) / top


if __name__ == "__main__":
    main()
