"""The Python examples of README.md and docs/PYTHON.md run as written (from a copy of
the repository's datasets/, in a temporary working folder)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import REPO


def python_blocks(path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def run_in(folder, code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=folder, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def workdir(tmp_path):
    shutil.copytree(REPO / "datasets", tmp_path / "datasets")
    return tmp_path


def test_readme_python_example(workdir):
    # The Spark example ("Beyond one machine") runs in test_spark.py, where PySpark is.
    (block,) = [
        b for b in python_blocks(REPO / "README.md") if "import ecograph" in b and "ecograph.spark" not in b
    ]
    p = run_in(workdir, block)
    assert p.returncode == 0, p.stderr
    assert "attributed_revenue" in p.stdout
    assert p.stdout.strip().endswith(os.path.join("results-py", "report.html"))
    assert (workdir / "results-py" / "report.html").exists()


def test_guide_pipelines(workdir):
    """docs/PYTHON.md's pipelines read crm/*.parquet: made here from the demo."""
    import polars as pl

    from conftest import tables_polars

    (workdir / "crm").mkdir()
    for name, df in tables_polars(workdir / "datasets" / "demo").items():
        df.write_parquet(workdir / "crm" / f"{name}.parquet")
    blocks = [b for b in python_blocks(REPO / "docs" / "PYTHON.md") if "crm/" in b]
    assert len(blocks) == 2
    for block in blocks:
        p = run_in(workdir, block)
        assert p.returncode == 0, f"{block}\n{p.stderr}"
    assert (workdir / "results" / "report.html").exists()
    assert (workdir / "results-csv" / "partner_metrics.csv").exists()
    assert pl.read_parquet(workdir / "results" / "partner_metrics.parquet").height == 300
