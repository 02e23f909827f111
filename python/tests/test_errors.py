"""Errors: the command line's exit codes as classes, its messages as str(e), and every
input problem as a Problem naming table, row, line, column, value and rule."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest

import ecograph
from ecograph import errors


def write_bad_folder(folder):
    """deals row 3 has amount "abc", row 4 an unknown stage; deal_partners row 3 names a
    partner that does not exist."""
    folder.mkdir()
    (folder / "partners.csv").write_text("partner_id,name\nP1,a\nP2,b\n")
    (folder / "deals.csv").write_text("deal_id,amount,stage\nD1,10,won\nD2,20,won\nD3,abc,won\nD4,5,x\n")
    (folder / "deal_partners.csv").write_text("deal_id,partner_id,role\nD1,P1,sourced\nD2,P2,\nD3,P9,sourced\n")
    return folder


def cli_error(stderr: str) -> str:
    """The CLI's error message: its `error: ` lines and their continuation, without the
    prefix (warnings, printed before, are left out)."""
    lines = stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("error: "))
    return "\n".join([lines[start][len("error: "):]] + lines[start + 1:])


def test_bad_row_in_a_folder(cli, tmp_path):
    bad = write_bad_folder(tmp_path / "bad")
    p = cli("analyze", bad, "--out", tmp_path / "cli", "--quiet", check=False)
    assert p.returncode == 3
    with pytest.raises(ecograph.InputError) as info:
        ecograph.analyze(str(bad), out=tmp_path / "py")
    e = info.value
    assert e.exit_code == 3
    assert str(e) == cli_error(p.stderr)
    first = e.problems[0]
    assert first == errors.Problem(
        table="deals", row=3, line=4, column="amount", value="abc", rule="not_a_number",
        file="deals.csv", message=first.message,
    )
    assert first.message.startswith("not a number")
    assert [(q.table, q.row, q.column, q.rule) for q in e.problems] == [
        ("deals", 3, "amount", "not_a_number"),
        ("deals", 4, "stage", "unknown_stage"),
        ("deal_partners", 3, "partner_id", "dangling_reference"),
    ]
    # Problem's str() is the CLI's line for it
    assert str(e).splitlines()[1] == "  - " + str(first)
    assert not (tmp_path / "py").exists()
    # validate raises the same
    with pytest.raises(ecograph.InputError) as v:
        ecograph.validate(str(bad))
    assert v.value.problems == e.problems


def test_bad_rows_in_memory(cli, tmp_path):
    """The same rule broken in a table handed over in memory: the same problems (rows
    and columns as in the CSV rendering of the data), and the CLI's message for that CSV
    but for the file's name and CSV line numbers, which memory has not."""
    partners = pa.table({"partner_id": ["P1", "P2"], "name": ["a", "b"]})
    deals = pa.table({
        "deal_id": ["D1", "D2", "D3", "D4"],
        "amount": [10.0, 20.0, -5.0, 5.0],
        "stage": ["won", "won", "won", "x"],
    })
    links = pa.table({"deal_id": ["D1", "D2", "D3"], "partner_id": ["P1", "P2", "P9"], "role": ["sourced", None, "sourced"]})
    tables = {"partners": partners, "deals": deals, "deal_partners": links}
    with pytest.raises(ecograph.InputError) as info:
        ecograph.analyze(tables, out=tmp_path / "py")
    e = info.value
    got = [(q.table, q.row, q.column, q.value, q.rule) for q in e.problems]
    assert got == [
        ("deals", 3, "amount", "-5", "negative_amount"),
        ("deals", 4, "stage", "x", "unknown_stage"),
        ("deal_partners", 3, "partner_id", "P9", "dangling_reference"),
    ]
    assert all(q.line is None for q in e.problems)
    # the CLI on the same data as CSV
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "partners.csv").write_text("partner_id,name\nP1,a\nP2,b\n")
    (folder / "deals.csv").write_text("deal_id,amount,stage\nD1,10,won\nD2,20,won\nD3,-5,won\nD4,5,x\n")
    (folder / "deal_partners.csv").write_text("deal_id,partner_id,role\nD1,P1,sourced\nD2,P2,\nD3,P9,sourced\n")
    p = cli("analyze", folder, "--out", tmp_path / "cli", "--quiet", check=False)
    assert p.returncode == 3
    names = {q.table: q.file for q in e.problems}
    expected = re.sub(
        r"(\w+)\.csv, row (\d+) \(line \d+\)",
        lambda m: f"{names[m.group(1)]}, row {m.group(2)}",
        cli_error(p.stderr),
    )
    assert str(e) == expected


def test_wrong_column_type_in_memory(tmp_path):
    """amount as text is the wrong type for an Arrow table (contract §4): a problem with
    the whole column, naming it."""
    tables = {
        "partners": pa.table({"partner_id": ["P1"]}),
        "deals": pa.table({"deal_id": ["D1", "D2", "D3"], "amount": ["1", "2", "abc"]}),
        "deal_partners": pa.table({"deal_id": ["D1"], "partner_id": ["P1"]}),
    }
    with pytest.raises(ecograph.InputError) as info:
        ecograph.analyze(tables, out=tmp_path / "py")
    (q,) = info.value.problems
    assert (q.table, q.column, q.rule, q.row) == ("deals", "amount", "wrong_type", None)


def test_missing_required_table_in_memory(tmp_path):
    with pytest.raises(ecograph.InputError) as info:
        ecograph.analyze({"partners": pa.table({"partner_id": ["P1"]})}, out=tmp_path / "py")
    assert {q.table for q in info.value.problems} >= {"deals"}
    assert {q.rule for q in info.value.problems} == {"missing_table"}


def test_skip_invalid(tmp_path):
    bad = write_bad_folder(tmp_path / "bad")
    report = ecograph.validate(str(bad), skip_invalid=True)
    assert report["rejected_rows"] == 4
    with ecograph.analyze(str(bad), skip_invalid=True) as res:
        rejected = res["rejected_rows"].to_arrow()
        assert rejected.num_rows == 4


def test_unknown_option_is_a_parameter_error(demo, tmp_path):
    with pytest.raises(ecograph.ParameterError) as info:
        ecograph.analyze(str(demo), out=tmp_path / "x", overlap_topk=5)
    e = info.value
    assert isinstance(e, ValueError) and e.exit_code == 2
    assert "overlap_topk" in str(e) and "overlap_top_k" in str(e)
    assert not (tmp_path / "x").exists()
    with pytest.raises(ecograph.ParameterError):
        ecograph.validate(str(demo), seed=3)
    with pytest.raises(ecograph.ParameterError, match="switch"):
        ecograph.analyze(str(demo), skip_invalid="yes")
    with pytest.raises(ecograph.ParameterError, match="takes a value"):
        ecograph.analyze(str(demo), seed=True)


def test_bad_values_and_config_are_parameter_errors(cli, demo, tmp_path):
    p = cli("analyze", demo, "--out", tmp_path / "cli", "--pagerank-damping", 2, "--quiet", check=False)
    assert p.returncode == 2
    with pytest.raises(ecograph.ParameterError) as info:
        ecograph.analyze(str(demo), out=tmp_path / "py", pagerank_damping=2)
    assert str(info.value) == cli_error(p.stderr)
    with pytest.raises(ecograph.ParameterError) as info:
        ecograph.analyze(str(demo), config={"no_such_section": {"x": 1}})
    assert info.value.exit_code == 2
    with pytest.raises(ecograph.ParameterError):
        ecograph.analyze(str(tmp_path / "no-such-folder"))


def test_refused_output_is_an_output_error(demo, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    with pytest.raises(ecograph.OutputError) as info:
        ecograph.analyze(str(demo), out=mine, overwrite=True)
    assert isinstance(info.value, FileExistsError) and info.value.exit_code == 4
    assert (mine / "notes.txt").read_text() == "mine"
    ecograph.analyze(str(demo), out=tmp_path / "res")
    with pytest.raises(ecograph.OutputError):
        ecograph.analyze(str(demo), out=tmp_path / "res")
    ecograph.analyze(str(demo), out=tmp_path / "res", overwrite=True)  # ecograph's own


def test_limit_error(demo, tmp_path):
    with pytest.raises(ecograph.LimitError) as info:
        ecograph.analyze(str(demo), out=tmp_path / "x", max_pair_rows=10, overlap_top_k="all")
    assert info.value.exit_code == 5
    assert not (tmp_path / "x").exists()


def test_not_a_results_folder(tmp_path):
    with pytest.raises(ecograph.ResultsError) as info:
        ecograph.Results(tmp_path)
    assert info.value.exit_code == 3


def test_error_classes():
    for cls, code, base in [
        (ecograph.ParameterError, 2, ValueError),
        (ecograph.InputError, 3, ecograph.EcographError),
        (ecograph.ResultsError, 3, ecograph.EcographError),
        (ecograph.OutputError, 4, FileExistsError),
        (ecograph.LimitError, 5, ecograph.EcographError),
        (ecograph.WriteError, 1, OSError),
    ]:
        e = cls("message", exit_code=code)
        assert isinstance(e, ecograph.EcographError) and isinstance(e, base)
        assert (str(e), e.exit_code) == ("message", code)
    e = ecograph.InputError("m", exit_code=3, problems=[{
        "table": "deals", "row": 3, "line": 4, "column": "amount", "value": "abc",
        "rule": "not_a_number", "file": "deals.csv", "message": "not a number",
    }])
    assert e.problems[0].row == 3 and e.problems[0].rule == "not_a_number"
    assert str(e.problems[0]) == 'deals.csv, row 3 (line 4), column \'amount\', value "abc": not a number'
