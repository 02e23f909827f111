#!/usr/bin/env python3
"""Exact betweenness in python-igraph and NetworKit, one thread each, on an edge list,
timed and compared with ecograph's values.

    betweenness.py EDGES [--runs 3] [--ecograph VALUES.json]

EDGES is what `betweenness_bench` writes: first line `n m`, then `p q` per edge. Times
(median of --runs):
  igraph     Graph.betweenness(directed=False)                    exact Brandes
  networkit  nk.centrality.Betweenness(g, normalized=False).run()  exact Brandes
with igraph's and NetworKit's thread counts at 1 (igraph's betweenness is single-
threaded anyway; NetworKit's is OpenMP, set to 1 with nk.setNumberOfThreads).
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
        t = time.perf_counter()
        out = f()
        return time.perf_counter() - t, out

    t_ig, t_nk = [], []
    for _ in range(runs):
        s, bi = timed(lambda: gi.betweenness(directed=False))
        t_ig.append(s)
        s, a = timed(lambda: nk.centrality.Betweenness(gk, normalized=False).run())
        t_nk.append(s)
        bk = a.scores()
    doc = {
        "partners": n,
        "edges": m,
        "igraph_version": ig.__version__,
        "networkit_version": nk.__version__,
        "networkit_threads": nk.getMaxNumberOfThreads(),
        "igraph_runs_s": t_ig,
        "networkit_runs_s": t_nk,
        "igraph_median_s": statistics.median(t_ig),
        "networkit_median_s": statistics.median(t_nk),
    }
    # igraph counts each unordered pair once, NetworKit (undirected) twice.
    scale = 1.0 / ((n - 1) * (n - 2) / 2) if n > 2 else 1.0
    ref = [b * scale for b in bi]
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
