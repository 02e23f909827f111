"""Every kind of input gives the folder run's tables.

The demo's CSV files read into memory by pyarrow, polars, pandas and DuckDB (text as
text, so ids keep their spelling and region NA stays North America; amount as a float,
as the contract's Parquet / Arrow types ask), then analyzed from memory: every table
must equal the run on the folder itself, bit for bit.
"""

from __future__ import annotations

import sys

import pyarrow as pa
import pytest

import ecograph
from conftest import (
    assert_tables_identical,
    tables_duckdb,
    tables_pandas,
    tables_polars,
    tables_pyarrow,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = None


@pytest.fixture(scope="module")
def folder_run(demo, demo_config):
    with ecograph.analyze(str(demo), config=str(demo_config)) as res:
        yield {name: res[name].to_arrow() for name in res.tables}


def check_same_tables(folder_run: dict, res: ecograph.Results) -> None:
    assert sorted(res.tables) == sorted(folder_run)
    for name, expected in folder_run.items():
        got = res[name].to_arrow()
        assert_tables_identical(expected, got, name)
        assert got.schema.metadata == expected.schema.metadata, f"{name}: metadata"


def run(tables, demo_config) -> ecograph.Results:
    return ecograph.analyze(tables, config=str(demo_config))


def test_pyarrow_tables(demo, demo_config, folder_run):
    with run(tables_pyarrow(demo), demo_config) as res:
        check_same_tables(folder_run, res)
        assert res.summary["parameters"]["input"] == "<in-memory>"


def test_pyarrow_record_batch_readers(demo, demo_config, folder_run):
    readers = {
        n: pa.RecordBatchReader.from_batches(t.schema, t.to_batches(max_chunksize=700))
        for n, t in tables_pyarrow(demo).items()
    }
    with run(readers, demo_config) as res:
        check_same_tables(folder_run, res)


def test_polars_dataframes(demo, demo_config, folder_run):
    with run(tables_polars(demo), demo_config) as res:
        check_same_tables(folder_run, res)


def test_pandas_dataframes_through_pyarrow(demo, demo_config, folder_run):
    tables = {n: pa.Table.from_pandas(df, preserve_index=False) for n, df in tables_pandas(demo).items()}
    with run(tables, demo_config) as res:
        check_same_tables(folder_run, res)


def test_pandas_dataframes_directly(demo, demo_config, folder_run):
    import pandas as pd

    frames = tables_pandas(demo)
    # pandas >= 2.2 exports __arrow_c_stream__; ecograph converts older ones itself.
    assert hasattr(pd.DataFrame, "__arrow_c_stream__") == (
        tuple(int(x) for x in pd.__version__.split(".")[:2]) >= (2, 2)
    )
    with run(frames, demo_config) as res:
        check_same_tables(folder_run, res)


def test_duckdb_relations(demo, demo_config, folder_run):
    import duckdb

    con = duckdb.connect()
    relations = tables_duckdb(demo, con)
    assert all(hasattr(r, "__arrow_c_stream__") for r in relations.values())
    with run(relations, demo_config) as res:
        check_same_tables(folder_run, res)
    # and the materialized Arrow of the same relations (DuckDB 1.4+ .arrow() gives a
    # RecordBatchReader, an open result on the connection: read each one at once)
    arrow = {}
    for n, r in tables_duckdb(demo, con).items():
        a = r.arrow()
        arrow[n] = a.read_all() if isinstance(a, pa.RecordBatchReader) else a
    with run(arrow, demo_config) as res:
        check_same_tables(folder_run, res)


def test_a_mix_of_libraries(demo, demo_config, folder_run):
    import duckdb

    con = duckdb.connect()
    pl_t, pd_t, pa_t = tables_polars(demo), tables_pandas(demo), tables_pyarrow(demo)
    dd_t = tables_duckdb(demo, con)
    mix = {
        "partners": pl_t["partners"],
        "deals": pa_t["deals"],
        "deal_partners": dd_t["deal_partners"],
        "partner_products": pd_t["partner_products"],
        "products": pl_t["products"],
        "customers": dd_t["customers"],
    }
    with run(mix, demo_config) as res:
        check_same_tables(folder_run, res)


@pytest.mark.skipif(tomllib is None, reason="tomllib is Python 3.11+")
def test_config_as_dict_equals_config_file(demo, demo_config, folder_run):
    with demo_config.open("rb") as f:
        program = tomllib.load(f)
    with ecograph.analyze(str(demo), config=program) as res:
        check_same_tables(folder_run, res)
    with ecograph.analyze(tables_pyarrow(demo), config=program) as res:
        check_same_tables(folder_run, res)


def test_validate_on_tables_and_folder(demo):
    folder = ecograph.validate(str(demo))
    memory = ecograph.validate(tables_polars(demo))
    assert folder["tables"] == memory["tables"]
    assert folder["tables"]["deals"] == 4000
    assert [w["code"] for w in folder["warnings"]] == [w["code"] for w in memory["warnings"]]
    assert folder["rejected_rows"] == memory["rejected_rows"] == 0
