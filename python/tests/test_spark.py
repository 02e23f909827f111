"""The Spark job (`ecograph.spark`) in Spark `local[2]` writes what the command line writes.

Runs in target/spark-venv (python/requirements-spark.txt: PySpark with pandas < 3),
which `.ci/run` sets up with `ECOGRAPH_REQUIRE_SPARK=1`: there a missing PySpark or
Java fails the tests instead of skipping them. In the package's own venv (no PySpark)
they are skipped; the fast layer without Spark is test_shards.py.

Compared with the binary's `analyze` on the same files: every table (values, float
bits, metadata) and the Parquet bytes; the summaries whole but for the run's timings and
the input checksums, which a run from tables in memory has none of (test_inputs.py).
"""

from __future__ import annotations

import json
import os
import shutil
import sys

import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

import ecograph
from conftest import assert_tables_identical, output_tables, read_output_table

if os.environ.get("ECOGRAPH_REQUIRE_SPARK") == "1":
    import pyspark  # noqa: F401  (fails loudly where Spark is required)
else:
    pytest.importorskip("pyspark")

import ecograph.spark as es


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    s = (
        SparkSession.builder.master("local[2]")
        .appName("ecograph-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


def comparable(summary: dict) -> dict:
    s = dict(summary)
    for k in ("timings_s", "inputs"):
        s.pop(k, None)
    return s


def check_same(cli_dir, res: ecograph.Results) -> None:
    cli_tables = output_tables(cli_dir)
    got = output_tables(type(cli_dir)(res.dir))
    assert sorted(got) == sorted(cli_tables)
    for name, path in cli_tables.items():
        assert_tables_identical(read_output_table(path), read_output_table(got[name]), name)
        assert got[name].read_bytes() == path.read_bytes(), f"{name}: file bytes"
    want = json.loads((cli_dir / "ecosystem_summary.json").read_text())
    assert comparable(res.summary) == comparable(want)


def test_demo_csv_folder_equals_cli(spark, cli, demo, demo_config, tmp_path):
    cli("analyze", demo, "--config", demo_config, "--out", tmp_path / "cli", "--quiet")
    res = es.analyze(spark, str(demo), tmp_path / "spark", config=str(demo_config))
    check_same(tmp_path / "cli", res)
    assert res.summary["parameters"]["input"] == str(demo)


def test_parquet_folder_equals_cli(spark, cli, demo, tmp_path):
    pq_dir = tmp_path / "parquet"
    pq_dir.mkdir()
    for f in sorted(demo.glob("*.csv")):
        t = pcsv.read_csv(f, convert_options=pcsv.ConvertOptions(strings_can_be_null=True))
        pq.write_table(t, pq_dir / f"{f.stem}.parquet")
    cli("analyze", pq_dir, "--out", tmp_path / "cli", "--quiet")
    res = es.analyze(spark, str(pq_dir), tmp_path / "spark")
    check_same(tmp_path / "cli", res)


def test_catalog_tables_and_dataframes(spark, demo, tmp_path):
    tables, _ = es.read_tables(spark, str(demo))
    tables["partners"].createOrReplaceTempView("eco_partners")
    mixed = dict(tables)
    mixed["partners"] = "eco_partners"
    # Dataframes of text: amounts and dates must then be typed (contract §4), so the
    # deals go in typed, as a pipeline's tables would.
    mixed["deals"] = tables["deals"].selectExpr(
        "deal_id", "customer_id", "product_id", "cast(amount as double) as amount",
        "stage", "cast(created_at as date) as created_at", "cast(closed_at as date) as closed_at", "region",
    )
    res = es.analyze(spark, mixed, tmp_path / "spark")
    ref = ecograph.analyze(
        {n: (spark.table(t) if isinstance(t, str) else t).toArrow() for n, t in mixed.items()},
        out=tmp_path / "py",
    )
    for name, path in output_tables(type(tmp_path)(ref.dir)).items():
        assert_tables_identical(read_output_table(path), res[name].to_arrow(), name)
    assert res.summary["parameters"]["input"] == "<spark tables>"


def test_generated_equals_cli_in_many_small_tasks(spark, cli, generated, tmp_path):
    cli("analyze", generated, "--out", tmp_path / "cli", "--overlap-top-k", 5, "--quiet")
    res = es.analyze(spark, str(generated), tmp_path / "spark", overlap_top_k=5, tasks=7)
    check_same(tmp_path / "cli", res)


def test_bad_input_gets_the_cli_rule_and_no_output(spark, cli, demo, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(demo, bad)
    deals = (bad / "deals.csv").read_text().splitlines()
    cells = deals[5].split(",")
    cells[3] = "-12"
    deals[5] = ",".join(cells)
    (bad / "deals.csv").write_text("\n".join(deals) + "\n")
    p = cli("analyze", bad, "--out", tmp_path / "cli", "--quiet", check=False)
    assert p.returncode == 3
    with pytest.raises(ecograph.InputError) as e:
        es.analyze(spark, str(bad), tmp_path / "spark")
    assert e.value.exit_code == 3
    first = e.value.problems[0]
    assert (first.table, first.row, first.column, first.value) == ("deals", 5, "amount", "-12")
    # The command line's message, less the file line: Spark hands over rows, not the
    # lines they came from (a quoted cell may span lines), so the job names the row.
    import re

    assert str(e.value) == re.sub(r" \(line \d+\)", "", p.stderr.strip().removeprefix("error: "))
    assert not (tmp_path / "spark").exists()


def test_a_missing_required_table_is_named(spark, demo, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(demo, bad)
    (bad / "deal_partners.csv").unlink()
    with pytest.raises(ecograph.InputError, match="deal_partners"):
        es.analyze(spark, str(bad), tmp_path / "spark")


def test_the_spark_submit_entry_point(cli, demo, tmp_path):
    import subprocess

    cli("analyze", demo, "--out", tmp_path / "cli", "--overlap-top-k", 3, "--quiet")
    p = subprocess.run(
        [sys.executable, "-m", "ecograph.spark", str(demo), "--out", str(tmp_path / "spark"),
         "--master", "local[2]", "--overlap-top-k", "3"],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYSPARK_PYTHON": sys.executable},
    )
    assert p.returncode == 0, p.stderr[-3000:]
    for name, path in output_tables(tmp_path / "cli").items():
        assert (tmp_path / "spark" / path.name).read_bytes() == path.read_bytes(), name
    p = subprocess.run(
        [sys.executable, "-m", "ecograph.spark", str(demo), "--out", str(tmp_path / "x"), "--no-such-flag"],
        capture_output=True, text=True, timeout=120,
    )
    assert p.returncode == 2 and "--no-such-flag" in p.stderr
    p = subprocess.run(
        [sys.executable, "-m", "ecograph.spark", str(demo), "--out", str(tmp_path / "y"), "--tasks", "0"],
        capture_output=True, text=True, timeout=120,
    )
    assert p.returncode == 2 and "--tasks must be from 1" in p.stderr
    assert not (tmp_path / "y").exists()


def test_tasks_out_of_range_fail_before_any_table_is_read(spark, demo, tmp_path):
    with pytest.raises(ecograph.ParameterError, match="tasks must be a whole number"):
        es.analyze(spark, str(demo), tmp_path / "out", tasks=-2)
    assert not (tmp_path / "out").exists()


def test_the_documented_examples_run(tmp_path):
    """README's "Beyond one machine" and docs/SPARK.md's first example, as written, from
    a copy of datasets/ (each starts its own local Spark)."""
    import re
    import subprocess

    from conftest import REPO

    blocks = []
    for doc in (REPO / "README.md", REPO / "docs" / "SPARK.md"):
        found = [b for b in re.findall(r"```python\n(.*?)```", doc.read_text(), re.S) if "ecograph.spark" in b]
        assert found, f"{doc.name}: no Spark example"
        blocks.append(found[0])
    for i, block in enumerate(blocks):
        work = tmp_path / str(i)
        shutil.copytree(REPO / "datasets", work / "datasets")
        p = subprocess.run(
            [sys.executable, "-c", block], cwd=work, capture_output=True, text=True, timeout=600,
            env={**os.environ, "PYSPARK_PYTHON": sys.executable},
        )
        assert p.returncode == 0, f"{block}\n{p.stderr[-3000:]}"
        assert "FileNotFoundException" not in p.stderr, "a missing file was probed by a read"
    assert (tmp_path / "0" / "results-spark" / "partner_metrics.parquet").exists()
    assert (tmp_path / "1" / "results-spark-program" / "partner_metrics.parquet").exists()
