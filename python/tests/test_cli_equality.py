"""The Python API writes exactly what the command line writes.

For the demo (with its program) and a generated ecosystem: the binary's `analyze` into
one folder, `ecograph.analyze(..., out=...)` into another and `out=None` (a temporary
folder); every table compared with pyarrow (values, float bits, the `ecograph` metadata
every table carries), the Parquet files byte for byte, and the summaries.

Summaries are compared whole but for `timings_s`, which measure the run (no two runs
take the same time). The input is given by the same path string to both, so
`parameters.input` and `inputs` (the files' checksums) must agree too; they are left out
only where the data comes from memory (test_inputs.py), since there `parameters.input`
is the display name `<in-memory>` and no file is read to checksum.
"""

from __future__ import annotations

import json

import pyarrow.csv as pcsv
import pytest

import ecograph
from conftest import (
    assert_tables_identical,
    file_metadata,
    output_tables,
    read_output_table,
)


def summary_without_timings(s: dict) -> dict:
    s = dict(s)
    s.pop("timings_s", None)
    return s


def check_same(cli_dir, py_res: ecograph.Results, *, same_files: bool = True) -> None:
    cli_tables = output_tables(cli_dir)
    py_dir = type(cli_dir)(py_res.dir)
    py_tables = output_tables(py_dir)
    assert sorted(py_res.tables) == sorted(cli_tables), "tables present"
    assert sorted(py_tables) == sorted(cli_tables), "files present"
    for name, path in cli_tables.items():
        expected = read_output_table(path)
        # The Python run's file, read by pyarrow: the same data and metadata ...
        written = py_tables[name]
        assert_tables_identical(expected, read_output_table(written), f"{name} (file)")
        assert file_metadata(written) == file_metadata(path), f"{name}: file metadata"
        if same_files:
            assert written.read_bytes() == path.read_bytes(), f"{name}: file bytes"
        # ... and read back through ecograph.Results / Table (the PyCapsule stream).
        t = py_res[name]
        assert t.num_rows == expected.num_rows
        assert t.column_names == expected.column_names
        assert_tables_identical(expected, t.to_arrow(), f"{name} (Results)")
    cli_summary = json.loads((cli_dir / "ecosystem_summary.json").read_text())
    assert summary_without_timings(py_res.summary) == summary_without_timings(cli_summary)
    on_disk = json.loads((py_dir / "ecosystem_summary.json").read_text())
    assert summary_without_timings(on_disk) == summary_without_timings(cli_summary)


def test_demo_with_program_equals_cli(demo, demo_config, demo_cli_results, tmp_path):
    res = ecograph.analyze(str(demo), out=tmp_path / "py", config=str(demo_config))
    check_same(demo_cli_results, res)
    # the marker: what the CLI writes, so --overwrite treats both alike
    assert (tmp_path / "py" / ".ecograph-output").read_text() == (
        demo_cli_results / ".ecograph-output"
    ).read_text()


def test_demo_in_temporary_folder_equals_cli(demo, demo_config, demo_cli_results):
    with ecograph.analyze(str(demo), config=str(demo_config)) as res:
        check_same(demo_cli_results, res)


def test_generated_equals_cli(cli, generated, tmp_path):
    cli_out = tmp_path / "cli"
    cli("analyze", generated, "--out", cli_out, "--overlap-top-k", 5, "--quiet")
    res = ecograph.analyze(str(generated), out=tmp_path / "py", overlap_top_k=5)
    check_same(cli_out, res)
    with ecograph.analyze(str(generated), overlap_top_k=5) as tmp_res:
        check_same(cli_out, tmp_res)


@pytest.mark.parametrize("fmt", ["arrow", "csv"])
def test_other_formats_equal_cli(cli, demo, demo_config, tmp_path, fmt):
    cli_out = tmp_path / "cli"
    cli("analyze", demo, "--config", demo_config, "--out", cli_out, "--format", fmt, "--quiet")
    res = ecograph.analyze(str(demo), out=tmp_path / "py", config=str(demo_config), format=fmt)
    assert res.format == fmt
    files = output_tables(cli_out)
    assert sorted(output_tables(tmp_path / "py")) == sorted(files)
    for name, path in files.items():
        assert (tmp_path / "py" / path.name).read_bytes() == path.read_bytes(), name
        if fmt == "arrow":
            assert_tables_identical(read_output_table(path), res[name].to_arrow(), name)
        else:
            assert res[name].num_rows == pcsv.read_csv(path).num_rows, name


def test_options_reach_the_run(cli, demo, tmp_path):
    """Options of each kind (switch, list, value, from_) give the CLI's flags' run."""
    cli_out = tmp_path / "cli"
    cli(
        "analyze", demo, "--out", cli_out, "--quiet", "--metrics", "core_number,community",
        "--seed", 7, "--from", "2023-01-01", "--cosell-stages", "won", "--exact-vocabulary",
    )
    res = ecograph.analyze(
        str(demo), out=tmp_path / "py", metrics=["core_number", "community"], seed=7,
        from_="2023-01-01", cosell_stages="won", exact_vocabulary=True, skip_invalid=False,
        graph=None,
    )
    check_same(cli_out, res)


def test_results_tables_carry_the_files_metadata(demo_cli_results):
    """Every output table carries the run's parameters as `ecograph` metadata
    (docs/OUTPUTS.md); a table read back through Results must carry it too."""
    res = ecograph.Results(demo_cli_results)
    for name, path in output_tables(demo_cli_results).items():
        md = res[name].to_arrow().schema.metadata or {}
        assert md.get(b"ecograph") == file_metadata(path)[b"ecograph"], name
