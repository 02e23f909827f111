"""ecograph: graph analytics for business partner ecosystems, from Python.

The same engine as the ``ecograph`` command line (a Rust extension, run without the
GIL), reading a folder of CSV / Parquet / Arrow tables or tables you already hold in
memory (pyarrow, polars, pandas, DuckDB: anything with ``__arrow_c_stream__``), and
giving back the output tables through the Arrow PyCapsule interface.

- :func:`analyze`: the whole analysis, as ``ecograph analyze``; returns :class:`Results`.
- :func:`validate`: the contract checks alone, as ``ecograph validate``; writes nothing.
- :func:`generate`: a synthetic ecosystem, as ``ecograph generate``.
- :func:`compare`: two analyze outputs (two periods) side by side, as ``ecograph compare``.
- :class:`Results` / :class:`Table`: an analyze output folder and its tables
  (``.to_arrow()``, ``.to_polars()``, ``.to_pandas()``).
- Errors: :class:`EcographError` and its subclasses (:mod:`ecograph.errors`), one per
  exit code of the command line.

Example::

    import ecograph
    res = ecograph.analyze("datasets/demo", config="datasets/program.toml")
    top = res.partner_metrics.to_polars().sort("pagerank", descending=True).head()

The user guide is docs/PYTHON.md; every number is defined in docs/CONTRACT.md and every
output column in docs/OUTPUTS.md.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import weakref
from typing import Any, Iterator, Mapping, Optional, Sequence, Union

from . import _ecograph
from .errors import (
    EcographError,
    InputError,
    LimitError,
    OutputError,
    ParameterError,
    Problem,
    ResultsError,
    WriteError,
)

__all__ = [
    "analyze",
    "validate",
    "generate",
    "compare",
    "Results",
    "Table",
    "Comparison",
    "EcographError",
    "ParameterError",
    "InputError",
    "Problem",
    "ResultsError",
    "OutputError",
    "LimitError",
    "WriteError",
    "ANALYZE_OPTIONS",
    "INPUT_FORMAT_OPTIONS",
    "__version__",
]


def _version() -> str:
    try:
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("ecograph")
        except PackageNotFoundError:
            pass
    except ImportError:  # pragma: no cover
        pass
    return str(getattr(_ecograph, "__version__", "0+unknown"))


#: The package's version (the ecograph crate's version it was built from).
__version__: str = _version()

PathLike = Union[str, "os.PathLike[str]"]
#: A table handed over in memory: any object with ``__arrow_c_stream__`` (pyarrow
#: Table / RecordBatchReader, polars DataFrame, pandas DataFrame, DuckDB relation).
TableLike = Any
Source = Union[PathLike, Mapping[str, TableLike]]
Config = Union[PathLike, Mapping[str, Any]]

# The display name of tables handed over in memory (the input positional of the
# extension, used in messages only).
_IN_MEMORY = "<in-memory>"

# --- the command line's flags, declared once here -------------------------------------
#
# Each option is a keyword argument named like the flag with `_` for `-`. Kinds:
#   "flag"    a switch: True -> the bare flag, False / None -> left out
#   "value"   one value: str() of it; a list or tuple is joined with commas
#   "repeat"  a flag that may be given several times: a list or tuple repeats it
# tests/test_api.py checks these tuples against `python -m ecograph CMD --help`, so
# they cannot drift from the command line.

#: The input format options, shared by :func:`analyze` and :func:`validate`.
INPUT_FORMAT_OPTIONS: tuple[tuple[str, str], ...] = (
    ("delimiter", "value"),
    ("decimal", "value"),
    ("thousands", "value"),
    ("currency", "repeat"),
    ("date_format", "value"),
    ("exact_vocabulary", "flag"),
)

#: Every ``ecograph analyze`` flag :func:`analyze` takes as ``**options``.
ANALYZE_OPTIONS: tuple[tuple[str, str], ...] = (
    ("skip_invalid", "flag"),
    ("csv_raw", "flag"),
    ("pagerank_damping", "value"),
    ("metrics", "value"),
    ("betweenness_exact_limit", "value"),
    ("betweenness_epsilon", "value"),
    ("betweenness_delta", "value"),
    ("closeness_exact_limit", "value"),
    ("closeness_epsilon", "value"),
    ("closeness_delta", "value"),
    ("seed", "value"),
    ("community_trials", "value"),
    ("resilience_seed", "value"),
    ("overlap_threshold", "value"),
    ("overlap_min_jaccard", "value"),
    ("overlap_top_k", "value"),
    ("max_pair_rows", "value"),
    ("max_cosell_edges", "value"),
    ("max_stage_minutes", "value"),
    ("graph", "value"),
    ("report", "flag"),
    ("conflict_window_days", "value"),
    ("cosell_stages", "value"),
    ("from", "value"),  # a Python keyword: pass from_="2025-07-01"
    ("to", "value"),
    ("period", "value"),
) + INPUT_FORMAT_OPTIONS

# Flags of `ecograph analyze --help` that are not in ANALYZE_OPTIONS, and why:
# named parameters of analyze() (out, format, overwrite, config, threads), always
# given (quiet), or not offered from Python (verbose prints to stderr; dry_run writes
# nothing, so there would be no Results: use the command line's --dry-run).
_ANALYZE_NOT_OPTIONS = ("out", "format", "overwrite", "config", "threads", "quiet", "verbose", "dry_run", "help")

# `ecograph generate` flags and how generate() passes them.
_GENERATE_OPTIONS: tuple[tuple[str, str], ...] = (
    ("partners", "value"),
    ("deals", "value"),
    ("customers", "value"),
    ("products", "value"),
    ("seed", "value"),
    ("start_year", "value"),
    ("quarters", "value"),
    ("threads", "value"),
    ("overwrite", "flag"),
)


def _option_name(key: str) -> str:
    # `from_` (from is a Python keyword) -> `from`; `overlap_top_k` stays.
    return key[:-1] if key.endswith("_") else key


def _flags(options: Mapping[str, Any], known: Sequence[tuple[str, str]], what: str) -> list[str]:
    """Turns keyword arguments into command line flags, refusing unknown names."""
    kinds = dict(known)
    args: list[str] = []
    for key, value in options.items():
        name = _option_name(key)
        kind = kinds.get(name)
        if kind is None:
            valid = ", ".join(("from_" if n == "from" else n) for n, _ in known)
            raise ParameterError(
                f"{what}() got an unknown option {key!r}; valid options: {valid}",
                exit_code=2,
            )
        if value is None or value is False:
            continue
        flag = "--" + name.replace("_", "-")
        if kind == "flag":
            if value is not True:
                raise ParameterError(
                    f"{what}() option {key!r} is a switch: pass True or False, not {value!r}",
                    exit_code=2,
                )
            args.append(flag)
        elif value is True:
            raise ParameterError(
                f"{what}() option {key!r} takes a value ({flag} VALUE), not True", exit_code=2
            )
        elif kind == "repeat" and isinstance(value, (list, tuple)):
            for v in value:
                args += [flag, str(v)]
        elif isinstance(value, (list, tuple, set, frozenset)):
            items = sorted(value) if isinstance(value, (set, frozenset)) else value
            args += [flag, ",".join(str(v) for v in items)]
        else:
            args += [flag, os.fspath(value) if isinstance(value, os.PathLike) else str(value)]
    return args


def _input(source: Source) -> tuple[str, Optional[dict[str, Any]]]:
    """The extension's input positional and tables dict for a folder or a dict of tables."""
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source), None
    if isinstance(source, Mapping):
        tables: dict[str, Any] = {}
        for name, table in source.items():
            if not isinstance(name, str):
                raise TypeError(f"table names must be str, got {name!r}")
            tables[name] = _arrow_stream(name, table)
        return _IN_MEMORY, tables
    raise TypeError(
        "source must be a folder path (str or os.PathLike) or a dict of tables "
        f"(table name -> pyarrow / polars / pandas / DuckDB table), got {type(source).__name__}"
    )


def _arrow_stream(name: str, table: Any) -> Any:
    """The table itself when it exports ``__arrow_c_stream__``, else a conversion of it.

    Older pandas (< 2.2) and DuckDB releases lack the PyCapsule interface: they are
    converted through pyarrow (``Table.from_pandas`` / ``.arrow()``).
    """
    if hasattr(table, "__arrow_c_stream__"):
        return table
    mod = type(table).__module__.split(".")[0]
    if mod == "pandas":
        pa = _pyarrow()
        return pa.Table.from_pandas(table, preserve_index=False)
    for method in ("arrow", "to_arrow", "to_arrow_table"):
        if callable(getattr(table, method, None)):
            return getattr(table, method)()
    raise TypeError(
        f"table {name!r}: a {type(table).__module__}.{type(table).__name__} has no "
        "__arrow_c_stream__ (pass a pyarrow Table, a polars or pandas DataFrame, or a "
        "DuckDB relation)"
    )


def _config(config: Optional[Config]) -> tuple[list[str], Optional[str]]:
    """``--config PATH`` for a path, the JSON text for a dict."""
    if config is None:
        return [], None
    if isinstance(config, (str, os.PathLike)):
        return ["--config", os.fspath(config)], None
    if isinstance(config, Mapping):
        try:
            return [], json.dumps(config, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise ParameterError(f"config: not expressible as TOML / JSON: {e}", exit_code=2) from None
    raise TypeError(f"config must be a path or a dict, got {type(config).__name__}")


def _threads(threads: Optional[int]) -> list[str]:
    return [] if threads is None else ["--threads", str(threads)]


def _pyarrow():
    try:
        import pyarrow
    except ImportError as e:
        raise ImportError(
            "this needs pyarrow, which is not installed: pip install pyarrow"
        ) from e
    return pyarrow


# --- results ---------------------------------------------------------------------------


class Table:
    """One output table of a :class:`Results` folder (``partner_metrics``, ...).

    It exports the Arrow PyCapsule stream interface (``__arrow_c_stream__``), so
    ``pyarrow.table(t)``, ``polars.DataFrame(t)`` and DuckDB read it without a copy
    through Python; the helpers below do that for you. The rows are read from the
    folder when the table is first taken from its Results, then held in memory; each
    consumer gets its own stream over them.

    Attributes:
        name: the table's name (``"partner_metrics"``).
        num_rows: its number of rows (``len(t)`` too).
        column_names: its column names, in order.

    Example::

        t = res["partner_metrics"]
        df = t.to_polars()          # or t.to_arrow(), t.to_pandas()
    """

    __slots__ = ("_raw", "_owner", "__weakref__")

    def __init__(self, raw: Any, owner: "Results") -> None:
        self._raw = raw
        # Keeps the Results (and so a temporary folder) alive while the table is.
        self._owner = owner

    @property
    def name(self) -> str:
        """The table's name."""
        return self._raw.name

    @property
    def num_rows(self) -> int:
        """Number of rows."""
        return self._raw.num_rows

    @property
    def column_names(self) -> list[str]:
        """Column names, in order."""
        return list(self._raw.column_names)

    @property
    def results(self) -> "Results":
        """The results folder this table belongs to."""
        return self._owner

    def __len__(self) -> int:
        return self.num_rows

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The Arrow PyCapsule stream of the table (the Arrow C stream interface)."""
        self._owner._check_open()
        return self._raw.__arrow_c_stream__(requested_schema)

    def to_arrow(self) -> Any:
        """The table as a ``pyarrow.Table``, with its schema metadata (needs pyarrow).

        Raises:
            ImportError: pyarrow is not installed.
        """
        pa = _pyarrow()
        return pa.RecordBatchReader.from_stream(self).read_all()

    def to_polars(self) -> Any:
        """The table as a ``polars.DataFrame`` (needs polars).

        Raises:
            ImportError: polars is not installed.
        """
        try:
            import polars
        except ImportError as e:
            raise ImportError("to_polars() needs polars, which is not installed: pip install polars") from e
        try:
            return polars.DataFrame(self)
        except TypeError:  # a polars without the PyCapsule interface: through pyarrow
            return polars.from_arrow(self.to_arrow())

    def to_pandas(self, **kwargs: Any) -> Any:
        """The table as a ``pandas.DataFrame``, through pyarrow (needs pandas and pyarrow).

        Keyword arguments go to ``pyarrow.Table.to_pandas`` (e.g. ``types_mapper``).
        """
        return self.to_arrow().to_pandas(**kwargs)

    def __repr__(self) -> str:
        cols = self.column_names
        shown = ", ".join(cols[:8]) + (", ..." if len(cols) > 8 else "")
        return f"<ecograph.Table {self.name}: {self.num_rows:,} rows x {len(cols)} columns ({shown})>"


class Results:
    """An ``ecograph analyze`` output folder: its summary and its tables.

    :func:`analyze` returns one; ``Results(path)`` opens a folder written earlier (by
    Python or by the command line).

    Attributes:
        dir: the folder (str).
        format: ``"parquet"``, ``"arrow"`` or ``"csv"``.
        summary: ``ecosystem_summary.json`` as a dict (parsed once).
        tables: the names of the tables present, in the order the contract declares them.

    Tables: ``res["partner_metrics"]`` or ``res.partner_metrics`` give a :class:`Table`.

    A Results made by ``analyze(..., out=None)`` owns a temporary folder, removed by
    :meth:`close`, at the end of a ``with`` block, or when the object (and every Table
    taken from it) is garbage collected; :meth:`write` keeps a copy.

    Raises:
        ResultsError: the folder is not an analyze output.

    Example::

        with ecograph.analyze("datasets/demo") as res:
            print(res)                                  # tables and row counts
            res.write("results", format="csv")          # a copy that stays
    """

    def __init__(self, path: PathLike, *, _owned_tmp: Optional[str] = None) -> None:
        self._finalizer: Optional[weakref.finalize] = None
        if _owned_tmp is not None:
            # Registered before anything can fail, so that the folder never outlives us.
            self._finalizer = weakref.finalize(self, shutil.rmtree, _owned_tmp, True)
        self._raw = _ecograph.Results(os.fspath(path))
        self._summary: Optional[dict[str, Any]] = None
        self._tables: dict[str, Table] = {}
        self._closed = False

    # -- what it holds
    @property
    def dir(self) -> str:
        """The results folder."""
        return self._raw.dir

    @property
    def format(self) -> str:
        """The tables' format: ``"parquet"``, ``"arrow"`` or ``"csv"``."""
        return self._raw.format

    @property
    def summary(self) -> dict[str, Any]:
        """``ecosystem_summary.json`` as a dict (see docs/OUTPUTS.md, the summary JSON)."""
        if self._summary is None:
            self._summary = json.loads(self._raw.summary_json)
        return self._summary

    @property
    def tables(self) -> list[str]:
        """The names of the tables in the folder, in declaration order."""
        return list(self._raw.table_names())

    def table(self, name: str) -> Table:
        """The table ``name`` (also ``res[name]`` and ``res.name``).

        Raises:
            KeyError: no such table in the folder (a measure left out, e.g. communities
                with ``metrics="-community"``).
        """
        self._check_open()
        t = self._tables.get(name)
        if t is None:
            if name not in self.tables:
                raise KeyError(f"{name!r}: no such table in {self.dir}; tables: {', '.join(self.tables)}")
            t = self._tables[name] = Table(self._raw.table(name), self)
        return t

    def __getitem__(self, name: str) -> Table:
        return self.table(name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.tables

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    def __len__(self) -> int:
        return len(self.tables)

    def __getattr__(self, name: str) -> Table:
        # Only called for names that are not attributes: table names.
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self.tables:
            return self.table(name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute or table {name!r}")

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self.tables))

    # -- what it does
    def write(
        self, path: PathLike, format: Optional[str] = None, overwrite: bool = False, *, csv_raw: bool = False
    ) -> "Results":
        """Writes the folder again at ``path``, in ``format`` (default: its own).

        The copy is made like an analyze output: whole or not at all, with the marker
        file that lets ``overwrite=True`` replace it later; an existing ``path`` is
        refused unless ``overwrite=True`` and ecograph wrote it.

        Args:
            path: the new folder.
            format: ``"parquet"``, ``"arrow"`` or ``"csv"``; None keeps the format.
            overwrite: replace ``path`` if ecograph wrote it (or it is empty).
            csv_raw: with ``format="csv"``, write text cells byte for byte (by default
                a cell starting with ``= + - @`` gets a leading ``'``, as with the
                command line's ``--csv-raw``).

        Returns:
            a :class:`Results` on the new folder (not temporary).

        Raises:
            OutputError: ``path`` exists and may not be replaced.
            WriteError: writing failed.

        Example::

            res.write("results-csv", format="csv")
        """
        self._check_open()
        fmt = self.format if format is None else format
        if csv_raw:
            _ecograph.convert(self.dir, os.fspath(path), fmt, bool(overwrite), csv_raw=True)
        else:
            _ecograph.convert(self.dir, os.fspath(path), fmt, bool(overwrite))
        return Results(path)

    def report(self, path: Optional[PathLike] = None, *, since: Optional[Union["Results", PathLike]] = None) -> str:
        """Writes the ecosystem review, one offline HTML page (``ecograph report``).

        Args:
            path: the page to write; default ``<dir>/report.html`` (inside the folder:
                a temporary folder's page goes with it, so pass a path to keep it).
            since: an earlier :class:`Results` (or its folder) for the "since last
                period" section.

        Returns:
            the page's path.

        Example::

            page = res.report("review.html")
        """
        self._check_open()
        args = [self.dir, "--quiet"]
        if path is not None:
            args += ["--out", os.fspath(path)]
        if since is not None:
            args += ["--since", since.dir if isinstance(since, Results) else os.fspath(since)]
        _ecograph.report(args)
        return os.fspath(path) if path is not None else os.path.join(self.dir, "report.html")

    def close(self) -> None:
        """Removes the folder if it is a temporary one (``analyze(out=None)``); the
        object is unusable afterwards. Does nothing to a folder you named."""
        self._closed = True
        self._tables.clear()
        if self._finalizer is not None:
            self._finalizer()

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError("this Results is closed (its temporary folder was removed)")

    def __enter__(self) -> "Results":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        if self._closed:
            return "<ecograph.Results (closed)>"
        lines = [f"<ecograph.Results {self.dir} ({self.format})"]
        names = self.tables
        width = max((len(n) for n in names), default=0)
        for n in names:
            # Printing never reads a pair-sized table: its rows come from the file's
            # footer, or from the table once taken; else they are left uncounted.
            rows = self._tables[n].num_rows if n in self._tables else self._raw.known_rows(n)
            shown = f"{rows:>12,} rows" if rows is not None else "   (pair-sized: rows counted when taken)"
            lines.append(f"  {n:<{width}}  {shown}")
        return "\n".join(lines) + ">"


class Comparison:
    """An ``ecograph compare`` output folder (what :func:`compare` returns).

    Attributes:
        dir: the folder (str); the object is also an ``os.PathLike`` of it.
        format: the tables' format.
        summary: ``compare_summary.json`` as a dict.
        tables: the tables present (``partner_changes``, ``attribution_changes``,
            ``ecosystem_changes``).

    ``cmp["partner_changes"]`` reads a table as a ``pyarrow.Table`` (needs pyarrow);
    :meth:`path` gives its file for any other reader.
    """

    _NAMES = ("partner_changes", "attribution_changes", "ecosystem_changes")
    _EXT = {"parquet": "parquet", "arrow": "arrow", "csv": "csv"}

    def __init__(self, path: PathLike, format: str = "parquet") -> None:
        self.dir: str = os.fspath(path)
        self.format: str = format
        with open(os.path.join(self.dir, "compare_summary.json"), encoding="utf-8") as f:
            self.summary: dict[str, Any] = json.load(f)

    @property
    def tables(self) -> list[str]:
        """The tables present, in the order ``ecograph compare`` declares them."""
        return [n for n in self._NAMES if os.path.exists(self.path(n))]

    def path(self, name: str) -> str:
        """The file of table ``name``."""
        return os.path.join(self.dir, f"{name}.{self._EXT[self.format]}")

    def __getitem__(self, name: str) -> Any:
        if name not in self.tables:
            raise KeyError(f"{name!r}: no such table in {self.dir}; tables: {', '.join(self.tables)}")
        pa = _pyarrow()
        p = self.path(name)
        if self.format == "parquet":
            import pyarrow.parquet as pq

            return pq.read_table(p)
        if self.format == "arrow":
            import pyarrow.ipc as ipc

            with pa.memory_map(p) as src:
                try:
                    return ipc.open_file(src).read_all()
                except pa.ArrowInvalid:
                    src.seek(0)
                    return ipc.open_stream(src).read_all()
        import pyarrow.csv as pcsv

        return pcsv.read_csv(p)

    def __fspath__(self) -> str:
        return self.dir

    def __repr__(self) -> str:
        return f"<ecograph.Comparison {self.dir} ({self.format}): {', '.join(self.tables)}>"


# --- the commands ----------------------------------------------------------------------


def analyze(
    source: Source,
    *,
    out: Optional[PathLike] = None,
    format: str = "parquet",
    overwrite: bool = False,
    config: Optional[Config] = None,
    threads: Optional[int] = None,
    **options: Any,
) -> Results:
    """Analyzes an ecosystem, as ``ecograph analyze``, and returns its results.

    Args:
        source: a folder of ``partners``, ``deals``, ``deal_partners`` (+ optional
            ``partner_products``, ``products``, ``customers``) files (.csv, .parquet,
            .arrow), or a dict of the same tables held in memory, table name -> any
            object with ``__arrow_c_stream__``: a pyarrow Table or RecordBatchReader,
            a polars or pandas DataFrame, a DuckDB relation. Nothing is read from disk
            then; the contract's types apply (ids text or integers, ``amount`` a
            number, dates as dates, timestamps or ISO text).
        out: the output folder, written whole or not at all, exactly the command
            line's files. None: a fresh temporary folder owned by the returned
            Results, removed when it is closed or garbage collected.
        format: ``"parquet"`` (default), ``"arrow"`` or ``"csv"``.
        overwrite: replace ``out`` if ecograph wrote it (and it holds nothing else).
        config: a TOML config file (path), or the same settings as a dict (keys as in
            the file: ``{"columns": {"deals": {"amount": "Amount"}}, "tiers": [...]}``).
        threads: worker threads (default: all cores); results are identical for any.
        **options: any other ``ecograph analyze`` flag, named with ``_`` for ``-``:
            ``overlap_top_k=5``, ``metrics=["pagerank", "betweenness"]`` (or
            ``"-betweenness,-closeness"``), ``skip_invalid=True``, ``seed=7``,
            ``report=True``, ``graph="graphml"``, ``period="2024Q3"``,
            ``from_="2024-07-01"`` (``from`` is a Python keyword), ``to=...``,
            ``currency=["$", "EUR"]``, ... True gives the bare flag, False or None
            leaves it out, a list is joined with commas (``currency`` repeats the
            flag), anything else is passed as ``str()``. The list is
            ``ecograph.ANALYZE_OPTIONS``; ``ecograph analyze --help`` documents each.

    Returns:
        a :class:`Results` on the output folder.

    Raises:
        ParameterError: an unknown option, a bad value, an invalid config, a missing
            input folder (exit code 2 on the command line).
        InputError: the input breaks the data contract; ``.problems`` lists each
            problem with table, row, line, column, value and rule (exit code 3).
        OutputError: ``out`` exists and may not be replaced (exit code 4).
        LimitError: a ``max_*`` limit would be passed; nothing written (exit code 5).
        WriteError: writing failed (exit code 1).
        KeyboardInterrupt: Ctrl-C; the run stops at its next step and the output
            folder is left absent (or as it was).

    The run releases the GIL; the engine uses its own threads.

    Example::

        import ecograph, polars as pl
        res = ecograph.analyze("datasets/demo", config="datasets/program.toml",
                               overlap_top_k=5)
        res.partner_metrics.to_polars().sort("pagerank", descending=True).head()

        # tables already in memory
        tables = {n: pl.read_parquet(f"crm/{n}.parquet")
                  for n in ("partners", "deals", "deal_partners")}
        res = ecograph.analyze(tables, out="results")
    """
    return _analyze(source, out, format, overwrite, config, threads, options)


def _analyze(
    source: Source,
    out: Optional[PathLike],
    format: str,
    overwrite: bool,
    config: Optional[Config],
    threads: Optional[int],
    options: Mapping[str, Any],
    *,
    overlap_runner: Any = None,
    table_files: Optional[Mapping[str, tuple[str, bool]]] = None,
    input_name: Optional[str] = None,
    what: str = "analyze",
) -> Results:
    """:func:`analyze`, and for the Spark job (:mod:`ecograph.spark`) the runner that
    computes the overlap blocks elsewhere, the files the tables were read from (name ->
    (file, is CSV text)) and the input's name."""
    flags = _flags(options, ANALYZE_OPTIONS, what)
    cfg_args, config_json = _config(config)
    input_arg, tables = _input(source)
    if input_name is not None:
        input_arg = input_name
    tmp: Optional[str] = None
    if out is None:
        tmp = tempfile.mkdtemp(prefix="ecograph-")
        target = os.path.join(tmp, "results")
    else:
        target = os.fspath(out)
    args = [input_arg, "--out", target, "--format", str(format), "--quiet"]
    if overwrite:
        args.append("--overwrite")
    args += cfg_args + _threads(threads) + flags
    try:
        _ecograph.analyze(
            args,
            tables,
            config_json,
            overlap_runner=overlap_runner,
            table_files=dict(table_files) if table_files else None,
        )
        return Results(target, _owned_tmp=tmp)
    except BaseException:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        raise


def validate(
    source: Source,
    *,
    config: Optional[Config] = None,
    skip_invalid: bool = False,
    threads: Optional[int] = None,
    **format_options: Any,
) -> dict[str, Any]:
    """Checks an input against the data contract, as ``ecograph validate``; writes nothing.

    Args:
        source: a folder, or a dict of tables in memory (as for :func:`analyze`).
        config: a TOML config file (path) or the same settings as a dict.
        skip_invalid: succeed when only row problems are found (the rows
            ``analyze(skip_invalid=True)`` would leave out), counting them.
        threads: worker threads (default: all cores).
        **format_options: the input format flags: ``delimiter``, ``decimal``,
            ``thousands``, ``currency`` (str or list), ``date_format``,
            ``exact_vocabulary``.

    Returns:
        ``{"tables": {"partners": rows, ...}, "files": {"partners": "partners.csv",
        ...}, "warnings": [{"code": ..., "table": ..., "file": ..., "column": ...,
        "message": ...}, ...], "rejected_rows": n, "rejected": [problem dicts]}``:
        the rows of each table, the file it was read from, the warnings (the same as
        the summary's ``validation.warnings``) and, with ``skip_invalid``, the rows
        ``analyze`` would leave out (each a dict of a :class:`Problem`'s fields).

    Raises:
        InputError: the input breaks the contract (with ``skip_invalid``: a problem
            that is not a row's); ``.problems`` lists them.
        ParameterError: an unknown option, an invalid config, a missing folder.

    Example::

        report = ecograph.validate("crm-export", config="crm.toml")
        for w in report["warnings"]:
            print(w["code"], w["message"])
    """
    flags = _flags(format_options, INPUT_FORMAT_OPTIONS, "validate")
    cfg_args, config_json = _config(config)
    input_arg, tables = _input(source)
    args = [input_arg, "--quiet"] + cfg_args + _threads(threads) + flags
    if skip_invalid:
        args.append("--skip-invalid")
    return json.loads(_ecograph.validate(args, tables, config_json))


def generate(
    out: PathLike,
    *,
    partners: Optional[int] = None,
    deals: Optional[int] = None,
    customers: Optional[int] = None,
    products: Optional[int] = None,
    seed: Optional[int] = None,
    start_year: Optional[int] = None,
    quarters: Optional[int] = None,
    overwrite: bool = False,
    threads: Optional[int] = None,
) -> str:
    """Writes a realistic synthetic ecosystem as CSV tables, as ``ecograph generate``.

    Arguments left at None are not passed, so the command line's defaults apply
    (``ecograph generate --help``: 300 partners, 4,000 deals, seed 42, 16 quarters from
    2021). The same seed and sizes give the same bytes.

    Args:
        out: the folder to write (whole or not at all).
        partners, deals, customers, products: sizes (customers and products are
            derived from the deal and partner counts by default).
        seed: the generator's seed.
        start_year, quarters: the history's first calendar year and its length.
        overwrite: replace ``out`` if ecograph wrote it.
        threads: worker threads (the output does not depend on them).

    Returns:
        the folder, as a str (ready for :func:`analyze`).

    Raises:
        OutputError: ``out`` exists and may not be replaced.
        ParameterError: a bad size.

    Example::

        folder = ecograph.generate("/tmp/eco", partners=1000, deals=20000, seed=7)
        res = ecograph.analyze(folder)
    """
    options = dict(
        partners=partners,
        deals=deals,
        customers=customers,
        products=products,
        seed=seed,
        start_year=start_year,
        quarters=quarters,
        threads=threads,
        overwrite=bool(overwrite),
    )
    target = os.fspath(out)
    _ecograph.generate(["--out", target, "--quiet"] + _flags(options, _GENERATE_OPTIONS, "generate"))
    return target


def compare(
    old: Union[Results, PathLike],
    new: Union[Results, PathLike],
    *,
    out: PathLike,
    format: str = "parquet",
    overwrite: bool = False,
    csv_raw: bool = False,
    threads: Optional[int] = None,
) -> Comparison:
    """Compares two analyze outputs (two periods), as ``ecograph compare``.

    Args:
        old: the earlier results (a :class:`Results` or its folder), e.g. of
            ``analyze(..., period="2025Q2")``.
        new: the later results.
        out: the folder to write: ``partner_changes``, ``attribution_changes``,
            ``ecosystem_changes`` and ``compare_summary.json``.
        format: ``"parquet"``, ``"arrow"`` or ``"csv"``.
        overwrite: replace ``out`` if ecograph wrote it.
        csv_raw: with ``format="csv"``, write text cells byte for byte.
        threads: worker threads.

    Returns:
        a :class:`Comparison` on ``out`` (``.summary``, ``.tables``, ``cmp[name]`` as a
        pyarrow Table, ``.path(name)``; it is also a path: ``os.fspath(cmp)``).

    Raises:
        ResultsError: ``old`` or ``new`` is not an analyze output.
        OutputError: ``out`` may not be written.

    Example::

        q2 = ecograph.analyze("crm", period="2025Q2", out="q2")
        q3 = ecograph.analyze("crm", period="2025Q3", out="q3")
        changes = ecograph.compare(q2, q3, out="q2-q3")
        changes["partner_changes"]
    """

    def folder(r: Union[Results, PathLike]) -> str:
        return r.dir if isinstance(r, Results) else os.fspath(r)

    target = os.fspath(out)
    args = [folder(old), folder(new), "--out", target, "--format", str(format), "--quiet"]
    if overwrite:
        args.append("--overwrite")
    if csv_raw:
        args.append("--csv-raw")
    args += _threads(threads)
    _ecograph.compare(args)
    return Comparison(target, format=str(format))


def main(argv: Optional[Sequence[str]] = None) -> int:
    """The ``ecograph`` command line (``python -m ecograph``); returns its exit code."""
    return _ecograph.run_cli(["ecograph", *(sys.argv[1:] if argv is None else argv)])
