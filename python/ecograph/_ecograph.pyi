"""Type stubs of the Rust extension module ``ecograph._ecograph`` (python/src/*.rs).

The low-level API the pure-Python package (``ecograph/__init__.py``) is written over:
each command takes the command line's flags after its subcommand as a list of str.
Errors are raised as the classes of :mod:`ecograph.errors`.
"""

from typing import Any, Callable, Iterable, Mapping, Optional

__version__: str

def run_cli(argv: list[str]) -> int:
    """The ``ecograph`` command line exactly as the binary (``argv[0]`` is the program
    name); returns the exit code."""

def analyze(
    args: list[str],
    tables: Optional[Mapping[str, Any]],
    config_json: Optional[str],
    overlap_runner: Optional[Callable[[str, bytes, dict, list[tuple[int, int]]], Iterable[bytes]]] = None,
    table_files: Optional[Mapping[str, tuple[str, bool]]] = None,
) -> str:
    """``ecograph analyze`` with ``args`` the flags after the subcommand, the input first.

    ``tables``: table name -> an object with ``__arrow_c_stream__``; then the input
    positional is only the display name used in messages. ``config_json``: a config as
    JSON text (instead of ``--config``). ``overlap_runner``: computes the overlap
    family's partner blocks elsewhere (``ecograph.spark``), called as
    ``runner(dimension, index_ipc, params, blocks)`` and returning the blocks' Arrow IPC
    streams (:class:`ShardIndex`). ``table_files``: the tables of ``tables`` read from
    files, name -> (the file messages name, whether it is CSV text to parse). Returns ecosystem_summary.json as text.
    Releases the GIL; Ctrl-C raises KeyboardInterrupt and leaves no output."""

class ShardIndex:
    """One dimension's overlap index on a worker (built from the broadcast bytes)."""

    def __init__(self, index_ipc: bytes) -> None: ...
    @property
    def partners(self) -> int: ...
    def shard(
        self, start: int, end: int, threshold: float, top_k: Optional[int] = None, min_jaccard: Optional[float] = None
    ) -> bytes:
        """Partners ``start..end``: one Arrow IPC stream, a row per partner (``shard_columns()``)."""

def contract_tables() -> list[tuple[str, bool]]:
    """The contract's tables in the command line's order, each with whether it is required."""

def shard_columns() -> list[str]:
    """The columns of a block's batch, in order."""

def import_seconds(tables: Mapping[str, Any], config_json: Optional[str] = None) -> float:
    """The seconds the crossing of ``tables`` takes (Arrow C stream import and the
    contract's column mapping; nothing typed yet). For the benchmarks."""

def validate(args: list[str], tables: Optional[Mapping[str, Any]], config_json: Optional[str]) -> str:
    """``ecograph validate`` (input first); returns JSON text ``{"tables": {name: rows},
    "warnings": [{"code", "message"}], "rejected_rows": n}``."""

def generate(args: list[str]) -> None:
    """``ecograph generate`` with the flags after the subcommand."""

def compare(args: list[str]) -> None:
    """``ecograph compare`` with the flags after the subcommand."""

def report(args: list[str]) -> None:
    """``ecograph report`` with the flags after the subcommand."""

def convert(src_dir: str, dst_dir: str, format: str, overwrite: bool = False, csv_raw: bool = False) -> None:
    """Writes the results folder ``src_dir`` again as ``dst_dir`` in ``format``
    (atomically; refuses to replace what ecograph did not write)."""

class Table:
    """One output table of a results folder (Arrow PyCapsule stream interface)."""

    @property
    def name(self) -> str: ...
    @property
    def num_rows(self) -> int: ...
    @property
    def column_names(self) -> list[str]: ...
    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object: ...

class Results:
    """An analyze output folder read back."""

    def __init__(self, dir: str) -> None: ...
    @property
    def dir(self) -> str: ...
    @property
    def format(self) -> str: ...
    @property
    def summary_json(self) -> str: ...
    def table_names(self) -> list[str]: ...
    def known_rows(self, name: str) -> Optional[int]:
        """Rows known without reading the table (None: a pair-sized Arrow or CSV table)."""
    def table(self, name: str) -> Table: ...
