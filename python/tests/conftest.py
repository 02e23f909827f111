"""Fixtures of the Python package's tests.

The command line binary is the reference: `ECOGRAPH_BIN`, default
`<repo>/target/debug/ecograph` (what `cargo test` builds). Inputs: the shipped demo
(datasets/demo with its example program datasets/program.toml, the README's first
command), and ecosystems generated once per session by the binary.
"""

from __future__ import annotations

import csv
import os
import subprocess
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
import pytest

REPO = Path(__file__).resolve().parents[2]

# The contract's tables and which of their columns are numbers (contract §1 and §4:
# every other column is text, ids included, and dates may be ISO text).
TABLES = ("partners", "deals", "deal_partners", "partner_products", "products", "customers")
NUMERIC = {"deals": ("amount",)}


@pytest.fixture(scope="session")
def cli_bin() -> Path:
    path = Path(os.environ.get("ECOGRAPH_BIN", REPO / "target" / "debug" / "ecograph"))
    if not path.is_file():
        pytest.fail(f"no ecograph binary at {path}: run `cargo build` or set ECOGRAPH_BIN")
    return path


@pytest.fixture(scope="session")
def cli(cli_bin):
    """Runs the binary: cli("analyze", ...) -> CompletedProcess (text, captured)."""

    def run(*args: object, check: bool = True) -> subprocess.CompletedProcess:
        p = subprocess.run(
            [str(cli_bin), *map(str, args)], capture_output=True, text=True, timeout=600
        )
        if check and p.returncode != 0:
            raise AssertionError(f"ecograph {' '.join(map(str, args))} exited {p.returncode}:\n{p.stderr}")
        return p

    return run


@pytest.fixture(scope="session")
def demo() -> Path:
    return REPO / "datasets" / "demo"


@pytest.fixture(scope="session")
def demo_config() -> Path:
    return REPO / "datasets" / "program.toml"


@pytest.fixture(scope="session")
def generated(cli, tmp_path_factory) -> Path:
    """A 2,000-partner / 30,000-deal ecosystem (a couple of seconds to analyze in a
    debug build)."""
    out = tmp_path_factory.mktemp("gen") / "eco"
    cli("generate", "--out", out, "--partners", 2000, "--deals", 30000, "--seed", 7, "--quiet")
    return out


@pytest.fixture(scope="session")
def demo_cli_results(cli, demo, demo_config, tmp_path_factory) -> Path:
    """The CLI's analyze output of the demo with its program."""
    out = tmp_path_factory.mktemp("cli") / "demo"
    cli("analyze", demo, "--config", demo_config, "--out", out, "--quiet")
    return out


# --- reading ---------------------------------------------------------------------------


def read_output_table(path: Path) -> pa.Table:
    """An output file read by pyarrow itself (not through ecograph)."""
    if path.suffix == ".parquet":
        return pq.read_table(path)
    if path.suffix == ".arrow":
        with pa.memory_map(str(path)) as src:
            return ipc.open_file(src).read_all()
    raise ValueError(path)


def file_metadata(path: Path) -> dict:
    """A Parquet file's key-value metadata (without pyarrow's own ARROW:schema)."""
    md = pq.read_metadata(path).metadata or {}
    return {k: v for k, v in md.items() if k != b"ARROW:schema"}


def output_tables(folder: Path) -> dict[str, Path]:
    return {
        p.stem: p
        for p in sorted(folder.iterdir())
        if p.suffix in (".parquet", ".arrow", ".csv") and not p.name.startswith(".")
    }


def assert_tables_identical(a: pa.Table, b: pa.Table, what: str = "") -> None:
    """Same schema, rows and values; float columns compared bit for bit (NaN-safe)."""
    assert a.schema.equals(b.schema, check_metadata=False), f"{what}: schemas differ\n{a.schema}\n{b.schema}"
    assert a.num_rows == b.num_rows, f"{what}: {a.num_rows} rows against {b.num_rows}"
    for name in a.column_names:
        x, y = a.column(name).combine_chunks(), b.column(name).combine_chunks()
        if pa.types.is_floating(x.type):
            assert x.is_valid().equals(y.is_valid()), f"{what}.{name}: nulls differ"
            xv, yv = x.filter(x.is_valid()), y.filter(y.is_valid())
            xb = xv.to_numpy(zero_copy_only=False).view("u8")
            yb = yv.to_numpy(zero_copy_only=False).view("u8")
            assert (xb == yb).all(), f"{what}.{name}: float bits differ"
        else:
            assert x.equals(y), f"{what}.{name}: values differ"


# --- the same CSV folder as in-memory tables ------------------------------------------


def _present(folder: Path) -> list[str]:
    return [t for t in TABLES if (folder / f"{t}.csv").exists()]


def tables_pyarrow(folder: Path) -> dict[str, pa.Table]:
    """Every table of a CSV folder with pyarrow: text as text (only the empty field is
    null, so region NA stays North America), amount as float64."""
    out = {}
    for t in _present(folder):
        path = folder / f"{t}.csv"
        with path.open(encoding="utf-8", newline="") as f:
            header = next(csv.reader(f))
        types = {c: (pa.float64() if c in NUMERIC.get(t, ()) else pa.string()) for c in header}
        out[t] = pcsv.read_csv(
            path,
            convert_options=pcsv.ConvertOptions(
                column_types=types, null_values=[""], strings_can_be_null=True
            ),
        )
    return out


def tables_polars(folder: Path) -> dict:
    import polars as pl

    out = {}
    for t in _present(folder):
        df = pl.read_csv(folder / f"{t}.csv", infer_schema=False)
        num = [c for c in NUMERIC.get(t, ()) if c in df.columns]
        out[t] = df.with_columns([pl.col(c).cast(pl.Float64) for c in num])
    return out


def tables_pandas(folder: Path) -> dict:
    import pandas as pd

    out = {}
    for t in _present(folder):
        df = pd.read_csv(folder / f"{t}.csv", dtype=str, keep_default_na=False, na_values=[""])
        for c in NUMERIC.get(t, ()):
            if c in df.columns:
                df[c] = pd.to_numeric(df[c])
        out[t] = df
    return out


def tables_duckdb(folder: Path, con) -> dict:
    out = {}
    for t in _present(folder):
        num = NUMERIC.get(t, ())
        replace = ", ".join(f"cast({c} as double) as {c}" for c in num)
        sel = f"* replace ({replace})" if replace else "*"
        path = str(folder / f"{t}.csv").replace("'", "''")
        out[t] = con.sql(f"select {sel} from read_csv('{path}', all_varchar = true, header = true)")
    return out


def staging_leftovers(parent: Path) -> list[str]:
    """What an interrupted or failed run could leave beside its output
    (`.NAME.ecograph-tmp-PID`, `.NAME.ecograph-old-PID`, src/io/out/atomic_dir.rs)."""
    return [p.name for p in parent.iterdir() if p.name.startswith(".") or "ecograph-" in p.name or "staging" in p.name]
