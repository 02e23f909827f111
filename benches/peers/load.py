#!/usr/bin/env python3
"""polars' plain `read_csv` of the six contract tables, timed: the parser-speed yardstick
for ecograph's load + validate (issue 13 point 3).

    load.py DATA_DIR

Called by load.sh, once per timed run (each run a fresh process, so no run reuses
another's allocations). Each table is read with `pl.read_csv(path)` and polars' default
options (schema inferred from the first 100 rows, all cores); only the reads are timed,
not the interpreter start, the import or polars' first-call set-up (a two-line CSV is
read first, untimed, so that the thread pool is up: the yardstick is the parser). Prints one JSON line: seconds per table, their
total, rows and columns per table, the polars version and its thread pool size.
"""
import json
import sys
import time
from pathlib import Path

TABLES = ("partners", "products", "customers", "deals", "deal_partners", "partner_products")


def main():
    data = Path(sys.argv[1])
    import io

    import polars as pl

    pl.read_csv(io.BytesIO(b"a,b\n1,x\n"))
    seconds, shape = {}, {}
    for name in TABLES:
        path = data / f"{name}.csv"
        t = time.perf_counter()
        df = pl.read_csv(path)
        seconds[name] = time.perf_counter() - t
        shape[name] = list(df.shape)
        del df
    print(json.dumps({
        "polars_version": pl.__version__,
        "threads": pl.thread_pool_size(),
        "seconds": seconds,
        "total_s": sum(seconds.values()),
        "shape": shape,
    }))


if __name__ == "__main__":
    main()
