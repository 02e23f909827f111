"""Results do not depend on the number of threads (README: the same input gives the
same bytes, whatever the number of threads): threads=1 and threads=2, every table."""

from __future__ import annotations

import ecograph
from conftest import assert_tables_identical, output_tables


def test_one_thread_equals_two(generated, tmp_path):
    one = ecograph.analyze(str(generated), out=tmp_path / "one", threads=1)
    two = ecograph.analyze(str(generated), out=tmp_path / "two", threads=2)
    assert one.tables == two.tables
    for name in one.tables:
        assert_tables_identical(one[name].to_arrow(), two[name].to_arrow(), name)
    files_one, files_two = output_tables(tmp_path / "one"), output_tables(tmp_path / "two")
    for name, path in files_one.items():
        assert path.read_bytes() == files_two[name].read_bytes(), name
    assert one.summary["parameters"]["threads"] == 1
    assert two.summary["parameters"]["threads"] == 2
