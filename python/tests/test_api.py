"""The package's surface: python -m ecograph, the options' names against the command
line's flags, help(), Results / Table, write, report, generate, compare."""

from __future__ import annotations

import gc
import json
import os
import pydoc
import re
import subprocess
import sys

import pyarrow as pa
import pytest

import ecograph
from conftest import assert_tables_identical, output_tables, read_output_table


def py_cli(*args, check=True) -> subprocess.CompletedProcess:
    p = subprocess.run(
        [sys.executable, "-m", "ecograph", *map(str, args)], capture_output=True, text=True, timeout=300
    )
    if check:
        assert p.returncode == 0, p.stderr
    return p


def help_flags(text: str) -> set[str]:
    """The long flags a --help lists, as option names (`--overlap-top-k` -> overlap_top_k)."""
    return {m.replace("-", "_") for m in re.findall(r"^\s+(?:-\w, )?--([a-z0-9-]+)", text, re.M)}


# --- python -m ecograph -----------------------------------------------------------------


def test_module_version_equals_binary(cli):
    assert py_cli("--version").stdout == cli("--version").stdout
    assert ecograph.__version__ == cli("--version").stdout.split()[1]


def test_module_validate_equals_binary(cli, demo):
    p, c = py_cli("validate", demo, "--quiet"), cli("validate", demo, "--quiet")
    assert (p.stdout, p.stderr, p.returncode) == (c.stdout, c.stderr, c.returncode)


def test_module_exit_codes_equal_binary(cli, demo, tmp_path):
    p = py_cli("analyze", demo, "--out", tmp_path / "x", "--overlap-top-k", "nope", check=False)
    c = cli("analyze", demo, "--out", tmp_path / "x", "--overlap-top-k", "nope", check=False)
    assert p.returncode == c.returncode == 2
    assert p.stderr == c.stderr


# --- the options are the command line's flags --------------------------------------------


def test_analyze_options_are_the_cli_flags():
    flags = help_flags(py_cli("analyze", "--help").stdout)
    declared = {n for n, _ in ecograph.ANALYZE_OPTIONS}
    assert declared | set(ecograph._ANALYZE_NOT_OPTIONS) == flags, (
        f"missing from ANALYZE_OPTIONS: {sorted(flags - declared - set(ecograph._ANALYZE_NOT_OPTIONS))}; "
        f"not flags: {sorted((declared | set(ecograph._ANALYZE_NOT_OPTIONS)) - flags)}"
    )
    assert not declared & set(ecograph._ANALYZE_NOT_OPTIONS)
    # switches are the flags that take no value
    help_text = py_cli("analyze", "--help").stdout
    takes_value = set(m.replace("-", "_") for m in re.findall(r"--([a-z0-9-]+) <", help_text))
    switches = {n for n, kind in ecograph.ANALYZE_OPTIONS if kind == "flag"}
    assert switches == {n for n in declared if n not in takes_value}


def test_validate_and_generate_options_are_the_cli_flags():
    flags = help_flags(py_cli("validate", "--help").stdout)
    fmt = {n for n, _ in ecograph.INPUT_FORMAT_OPTIONS}
    assert fmt | {"config", "quiet", "verbose", "skip_invalid", "threads", "help"} == flags
    flags = help_flags(py_cli("generate", "--help").stdout)
    assert {n for n, _ in ecograph._GENERATE_OPTIONS} | {"out", "quiet", "verbose", "help"} == flags


def test_flags_conversion():
    f = lambda **kw: ecograph._flags(kw, ecograph.ANALYZE_OPTIONS, "analyze")
    assert f(skip_invalid=True, report=False, graph=None) == ["--skip-invalid"]
    assert f(metrics=["pagerank", "betweenness"]) == ["--metrics", "pagerank,betweenness"]
    assert f(metrics="-betweenness,-closeness") == ["--metrics", "-betweenness,-closeness"]
    assert f(overlap_top_k=5, pagerank_damping=0.9) == ["--overlap-top-k", "5", "--pagerank-damping", "0.9"]
    assert f(from_="2024-07-01", to="2024-09-30") == ["--from", "2024-07-01", "--to", "2024-09-30"]
    assert f(currency=["$", "EUR"]) == ["--currency", "$", "--currency", "EUR"]
    assert f(currency="$") == ["--currency", "$"]


# --- help() ------------------------------------------------------------------------------


def test_help_shows_the_docstrings():
    text = pydoc.render_doc(ecograph.analyze, renderer=pydoc.plaintext)
    assert "Analyzes an ecosystem, as ``ecograph analyze``" in text
    assert "overlap_top_k=5" in text and "Raises:" in text and "Example::" in text
    for obj in (ecograph.validate, ecograph.generate, ecograph.compare, ecograph.Results, ecograph.Table):
        assert obj.__doc__ and "Example" in obj.__doc__, obj
        assert obj.__doc__.strip().splitlines()[0] in pydoc.render_doc(obj, renderer=pydoc.plaintext)
    assert "ecograph" in pydoc.render_doc(ecograph, renderer=pydoc.plaintext)


# --- Results and Table ---------------------------------------------------------------------


def test_results_access(demo, demo_config, demo_cli_results):
    res = ecograph.Results(demo_cli_results)
    assert res.dir == str(demo_cli_results) and res.format == "parquet"
    assert res.tables[0] == "partner_metrics" and "tier_fit" in res
    assert set(res.tables) == set(output_tables(demo_cli_results))
    t = res.partner_metrics
    assert t is res["partner_metrics"] and t.name == "partner_metrics"
    assert len(t) == t.num_rows == res.summary["counts"]["partners"] == 300
    assert "partner_id" in t.column_names
    assert "300 rows" in repr(t)
    r = repr(res)
    for name in res.tables:
        assert name in r
    assert re.search(r"partner_metrics\s+300 rows", r)
    # Printing reads no pair-sized table: a Parquet one's rows come from its footer
    # (and agree with the table read whole), an Arrow or CSV one's are not counted.
    fresh = ecograph.Results(demo_cli_results)
    pairs = re.search(r"overlap_pairs\s+([\d,]+) rows", repr(fresh))
    assert pairs and not fresh._tables
    assert int(pairs.group(1).replace(",", "")) == fresh.overlap_pairs.num_rows
    with ecograph.analyze(demo, format="csv") as csv_res:
        assert re.search(r"overlap_pairs\s+\(pair-sized", repr(csv_res))
        assert re.search(r"partner_metrics\s+300 rows", repr(csv_res))
    with pytest.raises(KeyError):
        res["no_such_table"]
    with pytest.raises(AttributeError):
        res.no_such_table
    assert "partner_metrics" in dir(res)


def test_table_conversions(demo_cli_results):
    import pandas as pd
    import polars as pl

    res = ecograph.Results(demo_cli_results)
    expected = read_output_table(demo_cli_results / "partner_metrics.parquet")
    arrow = res.partner_metrics.to_arrow()
    assert_tables_identical(expected, arrow)
    assert_tables_identical(expected, pa.table(res.partner_metrics))
    df = res.partner_metrics.to_polars()
    assert isinstance(df, pl.DataFrame) and df.shape == (300, expected.num_columns)
    assert df["partner_id"].to_list() == expected["partner_id"].to_pylist()
    assert pl.DataFrame(res.partner_metrics).equals(df)
    pdf = res.partner_metrics.to_pandas()
    assert isinstance(pdf, pd.DataFrame) and list(pdf.columns) == expected.column_names
    # DuckDB reads it through the stream interface too
    import duckdb

    pm = res.partner_metrics  # noqa: F841 (named in the query)
    n = duckdb.sql("select count(*) from pm").fetchall()[0][0]
    assert n == 300


def test_temporary_results_are_removed(demo):
    res = ecograph.analyze(str(demo))
    folder = res.dir
    assert os.path.isdir(folder)
    table = res.partner_metrics
    del res
    gc.collect()
    assert os.path.isdir(folder), "a Table keeps its Results (and folder) alive"
    assert table.to_arrow().num_rows == 300
    del table
    gc.collect()
    assert not os.path.exists(folder) and not os.path.exists(os.path.dirname(folder))

    with ecograph.analyze(str(demo)) as res:
        folder = res.dir
    assert not os.path.exists(folder)
    with pytest.raises(ValueError):
        res.partner_metrics
    assert "closed" in repr(res)


def test_named_output_is_kept(demo, tmp_path):
    with ecograph.analyze(str(demo), out=tmp_path / "kept") as res:
        assert res.dir == str(tmp_path / "kept")
    assert (tmp_path / "kept" / "partner_metrics.parquet").exists()


@pytest.mark.parametrize("fmt", ["parquet", "arrow", "csv"])
def test_write_in_each_format(cli, demo, tmp_path, fmt):
    cli("analyze", demo, "--out", tmp_path / "cli", "--format", fmt, "--quiet")
    with ecograph.analyze(str(demo)) as res:
        copy = res.write(tmp_path / "copy", format=fmt)
        assert copy.format == fmt and copy.tables == res.tables
        for name, path in output_tables(tmp_path / "cli").items():
            written = tmp_path / "copy" / path.name
            if fmt == "arrow":
                # The same tables and metadata; not the same bytes: the copy's record
                # batches follow the Parquet reader's (1,024 rows), and the bytes under
                # null slots are the decoder's, not zeros (see the report of issue 25).
                a, b = read_output_table(path), read_output_table(written)
                assert_tables_identical(a, b, name)
                assert a.schema.metadata == b.schema.metadata, name
            else:
                assert written.read_bytes() == path.read_bytes(), name
        assert (tmp_path / "copy" / ".ecograph-output").exists()
        with pytest.raises(ecograph.OutputError):
            res.write(tmp_path / "copy", format=fmt)
        res.write(tmp_path / "copy", format=fmt, overwrite=True)
    assert (tmp_path / "copy" / "partner_metrics").with_suffix("." + fmt).exists()


def test_write_same_format_is_a_copy(demo_cli_results, tmp_path):
    res = ecograph.Results(demo_cli_results)
    copy = res.write(tmp_path / "copy")
    assert copy.format == "parquet"
    for name, path in output_tables(demo_cli_results).items():
        assert (tmp_path / "copy" / path.name).read_bytes() == path.read_bytes(), name


def test_report(demo, tmp_path):
    with ecograph.analyze(str(demo), out=tmp_path / "res") as res:
        page = res.report()
        assert page == os.path.join(res.dir, "report.html")
        assert open(page, encoding="utf-8").read(200).lower().startswith("<!doctype html")
        other = res.report(tmp_path / "pages" / "review.html")
        assert other == str(tmp_path / "pages" / "review.html") and os.path.getsize(other) > 10_000


# --- generate and compare ---------------------------------------------------------------------


def test_generate_equals_binary(cli, tmp_path):
    cli("generate", "--out", tmp_path / "cli", "--partners", 120, "--deals", 1500, "--seed", 3, "--quiet")
    folder = ecograph.generate(tmp_path / "py", partners=120, deals=1500, seed=3)
    assert folder == str(tmp_path / "py")
    names = sorted(p.name for p in (tmp_path / "cli").iterdir())
    assert sorted(p.name for p in (tmp_path / "py").iterdir()) == names
    for n in names:
        assert (tmp_path / "py" / n).read_bytes() == (tmp_path / "cli" / n).read_bytes(), n
    with pytest.raises(ecograph.OutputError):
        ecograph.generate(tmp_path / "py", partners=120, deals=1500, seed=3)
    ecograph.generate(tmp_path / "py", partners=120, deals=1500, seed=3, overwrite=True)


def test_compare(cli, demo, tmp_path):
    q2 = ecograph.analyze(str(demo), out=tmp_path / "q2", period="2024Q2")
    q3 = ecograph.analyze(str(demo), out=tmp_path / "q3", period="2024Q3")
    cmp = ecograph.compare(q2, q3, out=tmp_path / "cmp")
    cli("compare", tmp_path / "q2", tmp_path / "q3", "--out", tmp_path / "cli", "--quiet")
    assert os.fspath(cmp) == str(tmp_path / "cmp")
    assert cmp.tables == ["partner_changes", "attribution_changes", "ecosystem_changes"]
    for name in cmp.tables:
        expected = read_output_table(tmp_path / "cli" / f"{name}.parquet")
        assert_tables_identical(expected, cmp[name], name)
    cli_summary = json.loads((tmp_path / "cli" / "compare_summary.json").read_text())
    assert cmp.summary["totals"] == cli_summary["totals"]
    with pytest.raises(ecograph.ResultsError):
        ecograph.compare(tmp_path / "cmp", q3, out=tmp_path / "cmp2")
