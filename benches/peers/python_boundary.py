"""Python: tables in memory against the command line reading files (issue 25).

Called by python_boundary.sh, one process per measurement:

    python_boundary.py prepare CSV_DIR PARQUET_DIR
        The six contract CSV tables read with polars, text kept as text (so ids keep
        their spelling), `amount` cast to Float64, written as Parquet: the same tables
        the command line reads as CSV and as Parquet.
    python_boundary.py memory PARQUET_DIR OUT THREADS
        Reads the Parquet tables into polars DataFrames (timed: read_s), measures the
        crossing alone (ecograph._ecograph.import_seconds: the Arrow C stream import and
        the column mapping), then ecograph.analyze(dict of DataFrames, out=OUT) (timed:
        analyze_s), and prints one JSON line with the three and the run's
        load + validate stage.
    python_boundary.py folder DATA_DIR OUT THREADS
        ecograph.analyze(DATA_DIR, out=OUT) from Python: the wrapper's cost over the CLI.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

TABLES = ["partners", "deals", "deal_partners", "partner_products", "products", "customers"]


def prepare(csv_dir: Path, pq_dir: Path) -> None:
    import polars as pl

    pq_dir.mkdir(parents=True, exist_ok=True)
    for t in TABLES:
        src = csv_dir / f"{t}.csv"
        if not src.is_file():
            continue
        df = pl.read_csv(src, infer_schema=False)
        if "amount" in df.columns:
            df = df.with_columns(pl.col("amount").cast(pl.Float64))
        df.write_parquet(pq_dir / f"{t}.parquet")


def load(data: Path, load_s_of: dict) -> None:
    summary = json.loads((data / "ecosystem_summary.json").read_text())
    load_s_of["load_validate_s"] = summary["timings_s"].get("load + validate")


def memory(pq_dir: Path, out: Path, threads: int) -> dict:
    import polars as pl

    import ecograph

    t = time.perf_counter()
    tables = {
        p.stem: pl.read_parquet(p) for p in sorted(pq_dir.glob("*.parquet")) if p.stem in TABLES
    }
    read_s = time.perf_counter() - t
    crossing_s = ecograph._ecograph.import_seconds(tables)
    t = time.perf_counter()
    ecograph.analyze(tables, out=out, threads=threads, overwrite=True).close()
    analyze_s = time.perf_counter() - t
    r = {"read_s": read_s, "crossing_s": crossing_s, "analyze_s": analyze_s}
    load(out, r)
    return r


def folder(data: Path, out: Path, threads: int) -> dict:
    import ecograph

    t = time.perf_counter()
    ecograph.analyze(data, out=out, threads=threads, overwrite=True).close()
    r = {"analyze_s": time.perf_counter() - t}
    load(out, r)
    return r


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "prepare":
        prepare(Path(sys.argv[2]), Path(sys.argv[3]))
    elif mode == "memory":
        print(json.dumps(memory(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))))
    elif mode == "folder":
        print(json.dumps(folder(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))))
    else:
        sys.exit(f"unknown mode {mode!r}")
