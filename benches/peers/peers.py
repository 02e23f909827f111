#!/usr/bin/env python3
"""Time ecograph's co-sell work in NetworkX, python-igraph and NetworKit, and report.

    peers.py SIZE [--runs 3] [--peers networkx,igraph,networkit] [--timeout 900]
    peers.py SIZE --report-only        # re-render results/SIZE.json's table

Every peer does the same work from the same CSV files in benches/peers/data/SIZE:

  load        pandas.read_csv (pyarrow engine) of partners.csv, deals.csv, deal_partners.csv
  pairs       ids -> row numbers (pyarrow.compute.index_in, which also checks that
              every deal and partner exists), drop repeated (deal, partner) rows (numpy
              sort), pandas self-merge of deal_partners on deal, keep p < q, groupby
              count
              -> co-sell edge list with w = distinct shared deals (the same code for
              every peer: the peers do not build it themselves)
  build       the library's own graph from that edge list, one node per partner
              (isolated partners included)
  pagerank    weighted PageRank, damping 0.85, tightest convergence each library offers
  components  connected components
  degree      degree and strength (weighted degree) of every node

Each timed run is its own process (`peers.py --worker ...`), so peak RSS (ru_maxrss from
wait4) is that of one peer alone, interpreter and imports included. The parent also
compares every peer's PageRank, components, degree and strength with ecograph's
partner_metrics.parquet, reads ecograph's /usr/bin/time logs written by run.sh, writes
results/SIZE.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "results"

PEERS = ("networkx", "igraph", "networkit")
STAGES = ("load", "pairs", "build", "pagerank", "components", "degree")

# Convergence settings, reported in the output.
PAGERANK_SETTINGS = {
    "ecograph": "power iteration, stop when L1 change < 1e-10 (contract v1.1 section 4)",
    "networkx": "nx.pagerank (scipy power iteration), tol=1e-10/n, max_iter=10000: "
    "NetworkX stops when L1 change < n*tol, i.e. the same L1 < 1e-10 criterion",
    "igraph": "Graph.pagerank(implementation='prpack'): PRPACK's tolerance is fixed "
    "at 1e-10 inside igraph (not settable)",
    "networkit": "centrality.PageRank(damp=0.85, tol=1e-10, "
    "distributeSinks=DistributeSinks), norm=L1_NORM, maxIterations=10000; scores "
    "divided by their sum afterwards (NetworKit lets isolated nodes' mass leak, "
    "giving a vector proportional to NetworkX's)",
}


# --------------------------------------------------------------------------------------
# worker: one peer, one run, in its own process
# --------------------------------------------------------------------------------------


def load_tables(data: Path):
    import pandas as pd

    def read(name, ids):
        return pd.read_csv(
            data / f"{name}.csv",
            engine="pyarrow",
            dtype={c: "str" for c in ids},
            keep_default_na=False,
            na_values=[""],
        )

    partners = read("partners", ["partner_id"])
    deals = read("deals", ["deal_id", "customer_id", "product_id"])
    deal_partners = read("deal_partners", ["deal_id", "partner_id"])
    return partners, deals, deal_partners


def build_pairs(partners, deals, deal_partners):
    """Co-sell edge list (p, q, w) over partner row numbers, p < q, w = distinct deals.

    Ids become row numbers with pyarrow's hash lookup (`pc.index_in`: pandas 3 strings
    are Arrow strings; `pd.Index.get_indexer` took 4x longer), repeated (deal, partner)
    rows are dropped by sorting one int64 key (`np.unique` and `drop_duplicates` took
    10x and 5x longer here), then pandas self-merges on the deal and counts per pair.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(partners)

    def row_numbers(values, table_ids, what):
        idx = pc.index_in(pa.array(values), value_set=pa.array(table_ids))
        if idx.null_count:
            raise SystemExit(f"deal_partners names an unknown {what}")
        return idx.to_numpy(zero_copy_only=False).astype(np.int64)

    p = row_numbers(deal_partners["partner_id"], partners["partner_id"], "partner")
    d = row_numbers(deal_partners["deal_id"], deals["deal_id"], "deal")
    key = np.sort(d * n + p)
    key = key[np.concatenate(([True], key[1:] != key[:-1]))]  # a partner listed twice counts once
    links = pd.DataFrame({"d": key // n, "p": key % n})
    m = links.merge(links, on="d", suffixes=("_a", "_b"))
    m = m[m["p_a"] < m["p_b"]]
    w = m.groupby(["p_a", "p_b"], sort=False).size()
    pa_ = w.index.get_level_values(0).to_numpy(np.int64)
    pb_ = w.index.get_level_values(1).to_numpy(np.int64)
    return n, pa_, pb_, w.to_numpy(np.float64)


def run_networkx(n, pa, pb, w, t):
    import networkx as nx
    import numpy as np

    with t("build"):
        g = nx.Graph()
        g.add_nodes_from(range(n))
        g.add_weighted_edges_from(zip(pa.tolist(), pb.tolist(), w.tolist()))
    with t("pagerank"):
        pr = nx.pagerank(g, alpha=0.85, tol=1e-10 / n, max_iter=10000, weight="weight")
    with t("components"):
        comps = list(nx.connected_components(g))
    with t("degree"):
        deg = dict(g.degree())
        strength = dict(g.degree(weight="weight"))

    def out():
        comp_size = np.zeros(n, np.int64)
        for c in comps:
            comp_size[list(c)] = len(c)
        return {
            "pagerank": np.array([pr[i] for i in range(n)]),
            "components": len(comps),
            "component_size": comp_size,
            "degree": np.array([deg[i] for i in range(n)], np.int64),
            "strength": np.array([strength[i] for i in range(n)], np.float64),
        }

    return out


def run_igraph(n, pa, pb, w, t):
    import igraph as ig
    import numpy as np

    with t("build"):
        g = ig.Graph(n=n, edges=np.column_stack([pa, pb]), directed=False)
        g.es["weight"] = w
    with t("pagerank"):
        pr = g.pagerank(damping=0.85, weights="weight", implementation="prpack")
    with t("components"):
        cc = g.connected_components()
    with t("degree"):
        deg = g.degree()
        strength = g.strength(weights="weight")

    def out():
        membership = np.array(cc.membership)
        sizes = np.array(cc.sizes())
        return {
            "pagerank": np.array(pr),
            "components": len(cc),
            "component_size": sizes[membership],
            "degree": np.array(deg, np.int64),
            "strength": np.array(strength, np.float64),
        }

    return out


def run_networkit(n, pa, pb, w, t):
    import networkit as nk
    import numpy as np

    with t("build"):
        g = nk.Graph(n, weighted=True, directed=False)
        g.addEdges((w, (pa.astype(np.uint64), pb.astype(np.uint64))))
    with t("pagerank"):
        pr = nk.centrality.PageRank(
            g,
            damp=0.85,
            tol=1e-10,
            distributeSinks=nk.centrality.SinkHandling.DistributeSinks,
        )
        pr.norm = nk.centrality.Norm.L1_NORM
        pr.maxIterations = 10000
        pr.run()
        # NetworKit lets the mass of isolated nodes leak (DistributeSinks changes nothing
        # on an undirected graph); the result is proportional to the NetworkX vector, so
        # scale it to sum 1.
        scores = np.asarray(pr.scores())
        scores /= scores.sum()
    with t("components"):
        cc = nk.components.ConnectedComponents(g)
        cc.run()
    with t("degree"):
        dc = nk.centrality.DegreeCentrality(g)
        dc.run()
        deg = dc.scores()
        strength = [g.weightedDegree(u) for u in range(n)]

    def out():
        part = np.array(cc.getPartition().getVector())
        sizes = np.bincount(part)
        return {
            "pagerank": np.array(scores),
            "pagerank_iterations": pr.numberOfIterations(),
            "components": cc.numberOfComponents(),
            "component_size": sizes[part],
            "degree": np.array(deg, np.int64),
            "strength": np.array(strength, np.float64),
        }

    return out


RUNNERS = {"networkx": run_networkx, "igraph": run_igraph, "networkit": run_networkit}


class Timer:
    def __init__(self):
        self.times: dict[str, float] = {}

    def __call__(self, name):
        timer = self

        class _Stage:
            def __enter__(self):
                self.t0 = time.perf_counter()

            def __exit__(self, *exc):
                timer.times[name] = time.perf_counter() - self.t0

        return _Stage()


def worker(peer: str, size: str, out_json: Path, check_npz: Path | None):
    # Imports happen before the clock starts: they count in the process wall time and
    # peak RSS, not in the stage times.
    t_import = time.perf_counter()
    import importlib

    import numpy as np
    import pandas  # noqa: F401
    import pyarrow.csv  # noqa: F401  (read_csv's pyarrow engine imports it lazily)

    importlib.import_module(peer)
    if peer == "networkx":
        import scipy.sparse  # noqa: F401  (nx.pagerank imports it lazily)
    t_import = time.perf_counter() - t_import

    t = Timer()
    t_start = time.perf_counter()
    with t("load"):
        partners, deals, deal_partners = load_tables(DATA / size)
    with t("pairs"):
        n, pa, pb, w = build_pairs(partners, deals, deal_partners)
    ids = partners["partner_id"].to_numpy(dtype=object) if check_npz else None
    del deals, deal_partners, partners
    out = RUNNERS[peer](n, pa, pb, w, t)
    total = time.perf_counter() - t_start
    result = {"stages": t.times, "total": total, "imports": t_import, "nodes": n,
              "edges": int(len(pa))}
    if check_npz:
        o = out()
        result["components"] = int(o["components"])
        if "pagerank_iterations" in o:
            result["pagerank_iterations"] = int(o["pagerank_iterations"])
        np.savez(
            check_npz,
            partner_id=np.array(ids, dtype=str),
            pagerank=o["pagerank"],
            component_size=o["component_size"],
            degree=o["degree"],
            strength=o["strength"],
        )
    out_json.write_text(json.dumps(result))


# --------------------------------------------------------------------------------------
# parent: run workers, check, report
# --------------------------------------------------------------------------------------


def loadavg() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except OSError:
        return float("nan")


def run_worker(peer, size, run_no, timeout, check):
    """One worker process; returns a dict with the child's times, wall and max RSS."""
    tag = f"{peer}-{size}-run{run_no}"
    out_json = RESULTS / f"{tag}.json"
    out_json.unlink(missing_ok=True)
    npz = RESULTS / f"{peer}-{size}-check.npz" if check else None
    cmd = [sys.executable, str(Path(__file__).resolve()), size, "--worker", peer,
           "--worker-out", str(out_json)]
    if npz:
        cmd += ["--worker-check", str(npz)]
    load0 = loadavg()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, start_new_session=True)
    timed_out = threading.Event()

    def kill():
        timed_out.set()
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, kill)
    timer.start()
    try:
        _, status, ru = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    rec = {"run": run_no, "wall": wall, "max_rss_kb": ru.ru_maxrss, "loadavg_before": load0}
    if timed_out.is_set():
        rec["status"] = f"timed out after {timeout:.0f} s"
        print(f"  {tag}: TIMED OUT after {timeout:.0f} s", flush=True)
        return rec
    if proc.returncode != 0 or not out_json.exists():
        rec["status"] = f"failed (exit {proc.returncode})"
        print(f"  {tag}: FAILED, exit {proc.returncode}", flush=True)
        return rec
    rec.update(json.loads(out_json.read_text()))
    out_json.unlink()
    rec["status"] = "ok"
    print(f"  {tag}: {wall:.2f} s wall, {ru.ru_maxrss / 1024:.0f} MiB max RSS, "
          + ", ".join(f"{k} {v:.2f}" for k, v in rec["stages"].items()), flush=True)
    return rec


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def summarize_peer(runs):
    ok = [r for r in runs if r["status"] == "ok"]
    s = {"runs": len(ok), "attempts": len(runs), "status": "ok" if ok else runs[-1]["status"]}
    if ok:
        s["stages"] = {k: median([r["stages"].get(k) for r in ok]) for k in STAGES}
        s["total"] = median([r["total"] for r in ok])
        s["wall"] = median([r["wall"] for r in ok])
        s["max_rss_kb"] = max(r["max_rss_kb"] for r in ok)
    return s


# ecograph logs (written by run.sh) ------------------------------------------------------

TIME_WALL = re.compile(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)")
TIME_RSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")
# `-v` lines: "stage   1.234 s", optionally followed by "  1.2 GB now,  1.5 GB peak".
STAGE_LINE = re.compile(r"^(\S.*?)\s+([\d.]+) s(?:\s.*)?$")


def parse_ecograph_runs(size):
    runs = []
    for tf in sorted(RESULTS.glob(f"ecograph-{size}-run*.time"),
                     key=lambda p: int(re.search(r"run(\d+)", p.name).group(1))):
        txt = tf.read_text()
        m = TIME_WALL.search(txt)
        wall = int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
        rss = int(TIME_RSS.search(txt).group(1))
        stages = {}
        err = tf.with_suffix(".stderr")
        if err.exists():
            for line in err.read_text().splitlines():
                sm = STAGE_LINE.match(line.strip())
                if sm:
                    stages[sm.group(1)] = float(sm.group(2))
        meta = tf.with_suffix(".meta")
        rec = {"run": int(re.search(r"run(\d+)", tf.name).group(1)), "wall": wall,
               "max_rss_kb": rss, "stages": stages}
        if meta.exists():
            rec.update(json.loads(meta.read_text()))
        if "Exit status: 0" not in txt:
            rec["status"] = "failed"
        else:
            rec["status"] = "ok"
        runs.append(rec)
    return runs


def summarize_ecograph(runs):
    ok = [r for r in runs if r["status"] == "ok"]
    if not ok:
        return {"runs": 0, "status": "no successful run"}
    names = list(ok[0]["stages"])
    return {
        "runs": len(ok),
        "status": "ok",
        "stages": {k: median([r["stages"].get(k) for r in ok]) for k in names},
        "wall": median([r["wall"] for r in ok]),
        "wall_min": min(r["wall"] for r in ok),
        "wall_max": max(r["wall"] for r in ok),
        "max_rss_kb": max(r["max_rss_kb"] for r in ok),
        "max_rss_kb_median": median([r["max_rss_kb"] for r in ok]),
    }


# correctness ---------------------------------------------------------------------------


def check_against_ecograph(size, peers_run):
    import numpy as np
    import pandas as pd

    out_dir = RESULTS / f"ecograph-{size}"
    pm_path = out_dir / "partner_metrics.parquet"
    if not pm_path.exists():
        return {"error": f"{pm_path} missing: run ecograph first"}
    pm = pd.read_parquet(pm_path)
    summary = json.loads((out_dir / "ecosystem_summary.json").read_text())
    eco_components = summary.get("network", {}).get("components")
    pm = pm.set_index("partner_id")
    checks = {"ecograph_components": eco_components,
              "ecograph_components_in_table": int(pm["component"].nunique())
              if "component" in pm else None}
    for peer in peers_run:
        npz = RESULTS / f"{peer}-{size}-check.npz"
        if not npz.exists():
            continue
        z = np.load(npz)
        e = pm.loc[z["partner_id"]]
        c = {
            "pagerank_max_abs_diff": float(np.max(np.abs(z["pagerank"] - e["pagerank"].to_numpy()))),
            "pagerank_sum": float(z["pagerank"].sum()),
            # each component of size s has s nodes carrying 1/s
            "components": int(round(float(np.sum(1.0 / z["component_size"])))),
        }
        c["components_equal"] = c["components"] == eco_components
        if "component_size" in e:
            c["component_size_equal"] = bool(np.array_equal(z["component_size"], e["component_size"].to_numpy()))
        if "cosell_degree" in e:
            c["degree_equal"] = bool(np.array_equal(z["degree"], e["cosell_degree"].to_numpy()))
        if "cosell_strength" in e:
            c["strength_equal"] = bool(np.array_equal(z["strength"], e["cosell_strength"].to_numpy().astype(np.float64)))
        checks[peer] = c
    return checks


# report --------------------------------------------------------------------------------


def fmt_s(x):
    if x is None:
        return "-"
    return f"{x:.2f}" if x < 100 else f"{x:.0f}"


def fmt_mib(kb):
    return "-" if kb is None else f"{kb / 1024:.0f} MiB"


def markdown(report):
    eco = report["ecograph"]
    lines = []
    size = report["size"]
    ds = report["dataset"]
    lines.append(f"### {size}: {ds['partners']:,} partners, {ds['deals']:,} deals, "
                 f"{ds.get('deal_partner_rows', 0):,} deal_partners rows, "
                 f"{ds.get('cosell_edges', 0):,} co-sell edges")
    lines.append("")
    lines.append("| tool | runs | load (ecograph: +validate) | checksum | graph build | metrics | write "
                 "| total (stages) | wall (process) | peak RSS | wall vs ecograph "
                 "| stages-only vs ecograph | RSS vs ecograph |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    ew, er = eco.get("wall"), eco.get("max_rss_kb")
    if eco.get("status") == "ok":
        st = eco["stages"]
        load = sum(v for k, v in st.items() if k.startswith("load"))
        checksum = [v for k, v in st.items() if k.startswith("checksum")]
        build = sum(v for k, v in st.items() if k.startswith("build"))
        # Every stage that is not loading, building or writing computes metrics.
        metrics = sum(v for k, v in st.items()
                      if not k.startswith(("load", "checksum", "build", "export")))
        write = sum(v for k, v in st.items() if k.startswith("export"))
        lines.append(f"| ecograph | {eco['runs']} | {fmt_s(load)} | {fmt_s(sum(checksum)) if checksum else 'in load'} | {fmt_s(build)} | {fmt_s(metrics)} "
                     f"| {fmt_s(write)} | {fmt_s(sum(st.values()))} | **{fmt_s(ew)}** | **{fmt_mib(er)}** | 1.0x | 1.0x | 1.0x |")
    for peer in PEERS:
        s = report["peers"].get(peer)
        if s is None:
            continue
        if s["status"] != "ok":
            lines.append(f"| {peer} | 0 of {s['attempts']} | {s['status']} | | | | | | | | | | |")
            continue
        st = s["stages"]
        build = (st["pairs"] or 0) + (st["build"] or 0)
        metrics = (st["pagerank"] or 0) + (st["components"] or 0) + (st["degree"] or 0)
        rw = f"{s['wall'] / ew:.1f}x" if ew else "-"
        rr = f"{s['max_rss_kb'] / er:.1f}x" if er else "-"
        rt = f"{s['total'] / ew:.1f}x" if ew else "-"
        lines.append(f"| {peer} | {s['runs']} | {fmt_s(st['load'])} | - | {fmt_s(build)} | {fmt_s(metrics)} "
                     f"| - | {fmt_s(s['total'])} | {fmt_s(s['wall'])} | {fmt_mib(s['max_rss_kb'])} | {rw} | {rt} | {rr} |")
    lines.append("")
    lines.append("Peer stages (medians, seconds; `pairs` is the same pandas code for every peer):")
    lines.append("")
    lines.append("| peer | load | pairs (pandas) | build | pagerank | components | degree+strength | total |")
    lines.append("|---|---|---|---|---|---|---|---|")
    for peer in PEERS:
        s = report["peers"].get(peer)
        if s is None or s["status"] != "ok":
            continue
        st = s["stages"]
        lines.append(f"| {peer} | " + " | ".join(fmt_s(st[k]) for k in STAGES) + f" | {fmt_s(s['total'])} |")
    if eco.get("status") == "ok":
        lines.append("")
        lines.append("ecograph stages (medians, seconds, from `-v`): "
                     + ", ".join(f"{k} {fmt_s(v)}" for k, v in eco["stages"].items())
                     + f"; wall min {fmt_s(eco['wall_min'])} / max {fmt_s(eco['wall_max'])}.")
    chk = report.get("checks", {})
    if chk and "error" not in chk:
        lines.append("")
        lines.append(f"Correctness vs ecograph's partner_metrics.parquet (ecograph components: "
                     f"{chk.get('ecograph_components')}):")
        lines.append("")
        lines.append("| peer | PageRank max abs diff | components | same component sizes | same degree | same strength |")
        lines.append("|---|---|---|---|---|---|")
        for peer in PEERS:
            c = chk.get(peer)
            if not c:
                continue
            lines.append(f"| {peer} | {c['pagerank_max_abs_diff']:.2e} | {c['components']}"
                         f"{' (equal)' if c['components_equal'] else ' (DIFFERENT)'} | "
                         f"{c.get('component_size_equal', '-')} | {c.get('degree_equal', '-')} | "
                         f"{c.get('strength_equal', '-')} |")
    elif chk:
        lines.append("")
        lines.append(f"Correctness: {chk['error']}")
    return "\n".join(lines)


def versions():
    from importlib.metadata import version

    v = {"python": platform.python_version()}
    for pkg in ("networkx", "igraph", "networkit", "pandas", "pyarrow", "numpy", "scipy"):
        try:
            v[pkg] = version(pkg)
        except Exception:
            v[pkg] = None
    return v


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("size")
    ap.add_argument("--runs", type=int, default=3,
                    help="timed runs per peer (median reported); 0 = reuse the peer results "
                    "already in results/SIZE.json and only re-read ecograph's runs")
    ap.add_argument("--peers", default=",".join(PEERS))
    ap.add_argument("--timeout", type=float, default=900, help="seconds per worker run")
    ap.add_argument("--slow", type=float, default=120,
                    help="after a run longer than this many seconds, do no more runs of that peer")
    ap.add_argument("--report-only", action="store_true")
    ap.add_argument("--worker", choices=PEERS, help=argparse.SUPPRESS)
    ap.add_argument("--worker-out", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--worker-check", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()

    if a.worker:
        worker(a.worker, a.size, a.worker_out, a.worker_check)
        return

    RESULTS.mkdir(parents=True, exist_ok=True)
    report_path = RESULTS / f"{a.size}.json"
    if a.report_only:
        report = json.loads(report_path.read_text())
        print(markdown(report))
        return

    if not (DATA / a.size / "deals.csv").exists():
        raise SystemExit(f"no dataset in {DATA / a.size}: run run.sh first")
    peers = [p for p in a.peers.split(",") if p]
    peer_runs, peer_summaries = {}, {}
    if a.runs == 0:
        # Re-report: keep the peer results of the last full run (and their check files),
        # re-read ecograph's logs and re-check against its current output.
        old = json.loads(report_path.read_text())
        peer_runs, peer_summaries = old["peer_runs"], old["peers"]
        print(f"--runs 0: reusing the peer results of {old['date']}", flush=True)
    for peer in peers if a.runs > 0 else []:
        print(f"{peer}:", flush=True)
        runs = []
        for i in range(1, a.runs + 1):
            rec = run_worker(peer, a.size, i, a.timeout, check=(i == 1))
            runs.append(rec)
            if rec["status"] != "ok" or rec["wall"] > a.slow:
                break
        peer_runs[peer] = runs
        peer_summaries[peer] = summarize_peer(runs)

    eco_runs = parse_ecograph_runs(a.size)
    eco = summarize_ecograph(eco_runs)
    checks = check_against_ecograph(a.size, peers)

    ds = {}
    summ_path = RESULTS / f"ecograph-{a.size}" / "ecosystem_summary.json"
    if summ_path.exists():
        counts = json.loads(summ_path.read_text()).get("counts", {})
        ds = {"partners": counts.get("partners"), "deals": counts.get("deals"),
              "deal_partner_rows": counts.get("deal_partner_links"),
              "cosell_edges": counts.get("cosell_edges")}
    for r in peer_runs.values():
        for rec in r:
            if rec.get("status") == "ok":
                ds.setdefault("partners", rec["nodes"])
                ds["cosell_edges_peers"] = rec["edges"]
    ds.setdefault("deals", 0)
    gen = DATA / f"{a.size}.params.json"
    if gen.exists():
        ds["generate"] = json.loads(gen.read_text())

    binary = RESULTS / f"ecograph-{a.size}.binary.json"
    report = {
        "size": a.size,
        "ecograph_binary": json.loads(binary.read_text()) if binary.exists() else None,
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"nproc": os.cpu_count(), "cpu": cpu_model(), "mem_total_kb": mem_total()},
        "versions": versions(),
        "pagerank_settings": PAGERANK_SETTINGS,
        "dataset": ds,
        "ecograph": eco,
        "ecograph_runs": eco_runs,
        "peers": peer_summaries,
        "peer_runs": peer_runs,
        "checks": checks,
    }
    report_path.write_text(json.dumps(report, indent=2))
    print()
    print(markdown(report))
    print()
    print(f"wrote {report_path}")


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def mem_total():
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


if __name__ == "__main__":
    main()
