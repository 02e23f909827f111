"""ecograph on Apache Spark: the account map's pair work spread over a cluster.

:func:`analyze` reads the contract's tables from any Spark source (a folder of
Parquet or CSV files on any file system Spark reads, or tables of the catalog),
computes the overlap family's pair products (partners sharing customers and
products: ``overlap_pairs``, the per-partner overlap columns, ``overlap_by_type``) on
the executors, in contiguous blocks of partners, and the rest with the engine on the
driver, and writes exactly the tables ``ecograph analyze`` writes: the same bytes.

What runs where (docs/SPARK.md has the whole story and the limits):

- **executors**: the pair product, whose cost grows with the sum over customers of
  (partners reaching it)², by the engine's partner-block kernel inside ``mapInArrow``.
  The index (each partner's items and type) is broadcast; every executor builds the
  item -> partners transpose once and computes whole blocks; a block sends back one
  row per partner (its counts, its top-K list, its by-type sums), never its pairs,
  so no pair is shuffled.
- **driver**: reading the tables into Arrow, the contract checks (the same rules and
  messages as the command line), the graphs, every other metric, and the writing.
  The driver therefore needs the memory ``ecograph analyze`` needs for the input
  less the pair product (docs/SPARK.md, "Sizing the driver").

Example::

    from pyspark.sql import SparkSession
    import ecograph.spark

    spark = SparkSession.builder.master("local[2]").getOrCreate()
    res = ecograph.spark.analyze(spark, "datasets/demo", "results-spark")
    res.partner_metrics.to_polars().head()

From the command line, on a cluster::

    spark-submit --py-files ... -m ecograph.spark INPUT --out OUT [analyze flags]
    python -m ecograph.spark INPUT --out OUT --master local[2]

Exactness: the blocks hold only integer counts and sums, maxima, and jaccards
computed by the engine's own function from the same integers, so the result does
not depend on how partners are cut into blocks, where a block runs or in which
order blocks come back (tests/test_spark*.py check it against the command line).
"""

from __future__ import annotations

import os
import threading
import uuid
from typing import Any, Iterator, Mapping, Optional, Union

# Absolute imports: spark-submit may run this file as a script (see the end).
from ecograph import InputError, ParameterError, Results, _analyze, _ecograph

__all__ = ["analyze", "read_tables", "CONTRACT_TABLES", "shard_runner", "local_runner"]

#: The contract's tables, in the order the command line looks for them (the engine's).
CONTRACT_TABLES = tuple(name for name, _ in _ecograph.contract_tables())
_REQUIRED = tuple(name for name, required in _ecograph.contract_tables() if required)

#: How Spark reads a contract CSV file so that it sees what the command line sees:
#: a header, text cells (ecograph parses amounts and dates itself, by the
#: contract's rules), RFC 4180 quoting with "" inside quotes, cells over several
#: lines, and no trimming.
CSV_OPTIONS = {
    "header": "true",
    "inferSchema": "false",
    "quote": '"',
    "escape": '"',
    "multiLine": "true",
    "ignoreLeadingWhiteSpace": "false",
    "ignoreTrailingWhiteSpace": "false",
    "mode": "FAILFAST",
}


def _not_found(e: BaseException) -> bool:
    text = str(e)
    return "PATH_NOT_FOUND" in text or "Path does not exist" in text


def _exists(spark: Any, path: str) -> Optional[bool]:
    """Whether ``path`` exists, asked of the file system Spark itself would read it
    with (Hadoop's, so ``s3a://`` and ``hdfs://`` paths too); None when the session
    has no JVM to ask (Spark Connect), and the read then tells."""
    jvm = getattr(spark, "_jvm", None)
    jsc = getattr(spark, "_jsc", None)
    if jvm is None or jsc is None:
        return None
    p = jvm.org.apache.hadoop.fs.Path(path)
    return bool(p.getFileSystem(jsc.hadoopConfiguration()).exists(p))


def read_tables(
    spark: Any, input: Union[str, "os.PathLike[str]", Mapping[str, Any]]
) -> tuple[dict[str, Any], dict[str, tuple[str, bool]]]:
    """The contract's tables as Spark DataFrames, and the files they come from.

    Args:
        spark: the SparkSession.
        input: a folder (any path Spark reads: local, ``hdfs://``, ``s3a://``, ...)
            holding ``NAME.parquet`` (a file or a folder of part files) or
            ``NAME.csv`` per table; or a dict, table name -> a Spark DataFrame or the
            name of a table in Spark's catalog.

    Returns:
        (tables, files): name -> DataFrame, and for a folder name -> (the file's name
        in the folder, as the command line's messages name it, whether it is CSV
        text, whose amounts and dates ecograph then parses as the command line parses a
        CSV file's).

    Raises:
        InputError: a required table (partners, deals, deal_partners) has no file,
            or a table has both a Parquet and a CSV file.
    """
    if isinstance(input, Mapping):
        tables = {}
        for name, value in input.items():
            tables[name] = spark.table(value) if isinstance(value, str) else value
        return tables, {}
    folder = os.fspath(input).rstrip("/")
    tables, files = {}, {}
    for name in CONTRACT_TABLES:
        found = []
        for kind, path in (("parquet", f"{folder}/{name}.parquet"), ("csv", f"{folder}/{name}.csv")):
            if _exists(spark, path) is False:
                continue
            try:
                if kind == "parquet":
                    df = spark.read.parquet(path)
                else:
                    df = spark.read.options(**CSV_OPTIONS).csv(path)
            except Exception as e:  # pyspark's AnalysisException, by name across versions
                if _not_found(e):
                    continue
                raise
            found.append((kind, path, df))
        if len(found) > 1:
            paths = " and ".join(p for _, p, _ in found)
            raise InputError(
                f"{name}: two files hold this table ({paths}); keep one", exit_code=3
            )
        if found:
            kind, path, df = found[0]
            tables[name] = df
            files[name] = (f"{name}.{kind}", kind == "csv")
    missing = [n for n in _REQUIRED if n not in tables]
    if missing:
        raise InputError(
            f"{folder}: no file for the required table(s) {', '.join(missing)} "
            "(NAME.parquet or NAME.csv)",
            exit_code=3,
        )
    return tables, files


# One index per executor process: built from the broadcast once, then asked for any
# number of blocks by the tasks that process runs.
_INDEX_LOCK = threading.Lock()
_INDEX: dict[str, Any] = {}


def _index_of(token: str, broadcast: Any) -> Any:
    with _INDEX_LOCK:
        index = _INDEX.get(token)
        if index is None:
            _INDEX.clear()
            index = _ecograph.ShardIndex(broadcast.value)
            _INDEX[token] = index
        return index


def _blocks_of(batches: Iterator[Any], index: Any, params: Mapping[str, Any]) -> Iterator[Any]:
    """``mapInArrow``'s function: each input row is a block (start, end); each output
    row the block's batch as an Arrow IPC stream."""
    import pyarrow as pa
    from pyspark import TaskContext

    # The cores Spark gave this task (spark.task.cpus): one index, all of them.
    ctx = TaskContext.get()
    threads = ctx.cpus() if ctx is not None else 1
    for batch in batches:
        starts = batch.column("start").to_pylist()
        ends = batch.column("end").to_pylist()
        blobs = [
            index.shard(s, e, params["threshold"], params["top_k"], params["min_jaccard"], threads)
            for s, e in zip(starts, ends)
        ]
        yield pa.RecordBatch.from_arrays(
            [pa.array(batch.column("block").to_pylist(), pa.int64()), pa.array(blobs, pa.binary())],
            names=["block", "ipc"],
        )


#: The most partitions an overlap job may ask for (more than any cluster's cores).
MAX_TASKS = 1_000_000


def _checked_tasks(tasks: Any) -> Optional[int]:
    """``tasks`` as given when it is None or a whole number from 1 to MAX_TASKS;
    otherwise a ParameterError naming it (before Spark sees it)."""
    if tasks is None:
        return None
    if isinstance(tasks, bool) or not isinstance(tasks, int) or not 1 <= tasks <= MAX_TASKS:
        raise ParameterError(
            f"spark: tasks must be a whole number from 1 to {MAX_TASKS:,}, got {tasks!r}"
        )
    return tasks


def shard_runner(spark: Any, tasks: Optional[int] = None) -> Any:
    """The runner that computes the overlap blocks on ``spark``'s executors.

    The engine calls it once per dimension with the index (Arrow IPC bytes), the
    parameters and the blocks; it broadcasts the index, runs one ``mapInArrow`` over
    the blocks (``tasks`` partitions, 1 to MAX_TASKS, default: the session's default
    parallelism times 2, at most one per block) and collects the blocks' rows, which
    are a few numbers per partner, never the pairs themselves.

    Raises:
        ecograph.errors.ParameterError: ``tasks`` is not a whole number in range.
    """
    tasks = _checked_tasks(tasks)

    def run(dimension: str, index_ipc: bytes, params: Mapping[str, Any], blocks: list) -> list:
        if not blocks:
            return []
        sc = spark.sparkContext
        broadcast = sc.broadcast(index_ipc)
        token = uuid.uuid4().hex
        try:
            n = tasks or max(1, sc.defaultParallelism * 2)
            n = min(n, len(blocks))
            rows = [(i, s, e) for i, (s, e) in enumerate(blocks)]
            df = spark.createDataFrame(
                sc.parallelize(rows, n), "block long, start long, end long"
            )
            p = dict(params)

            def compute(batches: Iterator[Any]) -> Iterator[Any]:
                return _blocks_of(batches, _index_of(token, broadcast), p)

            sc.setJobDescription(f"ecograph: overlap blocks ({dimension}, {len(blocks)} blocks)")
            out = df.mapInArrow(compute, "block long, ipc binary").toArrow()
            return out.column("ipc").to_pylist()
        finally:
            sc.setJobDescription(None)
            broadcast.destroy()

    return run


def local_runner(partners_per_call: Optional[int] = None) -> Any:
    """A runner that computes the blocks here, in this process, through the same
    index bytes and block batches as the executors: for tests and as a reference.
    ``partners_per_call``: re-cut the engine's blocks into pieces of at most this many
    partners (any cut gives the same results)."""

    def run(dimension: str, index_ipc: bytes, params: Mapping[str, Any], blocks: list) -> list:
        index = _ecograph.ShardIndex(index_ipc)
        out = []
        for start, end in blocks:
            step = partners_per_call or max(1, end - start)
            for s in range(start, end, step):
                e = min(end, s + step)
                out.append(
                    index.shard(s, e, params["threshold"], params["top_k"], params["min_jaccard"])
                )
        return out

    return run


def analyze(
    spark: Any,
    input: Union[str, "os.PathLike[str]", Mapping[str, Any]],
    output: Union[str, "os.PathLike[str]"],
    *,
    format: str = "parquet",
    overwrite: bool = False,
    config: Any = None,
    threads: Optional[int] = None,
    tasks: Optional[int] = None,
    **options: Any,
) -> Results:
    """``ecograph analyze`` with the pair work on Spark's executors.

    Args:
        spark: the SparkSession (classic; Spark Connect has no broadcast, see
            docs/SPARK.md).
        input: a folder of ``NAME.parquet`` / ``NAME.csv`` files on any file system
            Spark reads, or a dict, table name -> DataFrame or catalog table name
            (:func:`read_tables`).
        output: the output folder, on the driver's file system; written whole or not
            at all, with exactly the files ``ecograph analyze`` writes.
        format, overwrite, config, threads, **options: as :func:`ecograph.analyze`
            (``overlap_top_k=5``, ``skip_invalid=True``, ``seed=7``, ...).
        tasks: partitions of the overlap jobs, 1 to 1,000,000 (default: twice the
            default parallelism, at most one per block).

    Returns:
        a :class:`ecograph.Results` on ``output``.

    Raises:
        the classes of :mod:`ecograph.errors`, as :func:`ecograph.analyze`; a
        ParameterError for ``tasks`` out of range, before any table is read.
    """
    runner = shard_runner(spark, tasks)
    tables, files = read_tables(spark, input)
    arrow = {name: df.toArrow() for name, df in tables.items()}
    name = "<spark tables>" if isinstance(input, Mapping) else os.fspath(input)
    return _analyze(
        arrow,
        output,
        format,
        overwrite,
        config,
        threads,
        options,
        overlap_runner=runner,
        table_files=files,
        input_name=name,
        what="spark.analyze",
    )


def main(argv: Optional[list[str]] = None) -> int:
    """``python -m ecograph.spark INPUT --out OUT [--master URL] [analyze flags]``:
    the job for ``spark-submit``. Flags other than ``--out``, ``--master``,
    ``--tasks``, ``--driver-memory``, ``--config``, ``--format``, ``--overwrite`` and
    ``--threads`` are ``ecograph analyze``'s."""
    import argparse
    import sys

    from ecograph import ANALYZE_OPTIONS, EcographError

    ap = argparse.ArgumentParser(
        prog="python -m ecograph.spark",
        description="ecograph analyze with the overlap family's pair work on Spark (docs/SPARK.md).",
    )
    ap.add_argument("input", help="folder of NAME.parquet / NAME.csv tables (any path Spark reads)")
    ap.add_argument("--out", required=True, help="output folder, on the driver")
    ap.add_argument("--master", help="Spark master (default: spark-submit's, or local[*])")
    ap.add_argument("--tasks", type=int, help="partitions of the overlap jobs")
    ap.add_argument(
        "--driver-memory",
        help="spark.driver.memory for a session this command starts (e.g. 4g): the "
        "driver holds the tables as Arrow (Spark's default, 1g, held 300k deals, not 3M)",
    )
    ap.add_argument("--config", help="ecograph config file (TOML)")
    ap.add_argument("--format", default="parquet", choices=["parquet", "arrow", "csv"])
    ap.add_argument("--overwrite", action="store_true")
    ap.add_argument("--threads", type=int)
    known, rest = ap.parse_known_args(argv)
    try:
        _checked_tasks(known.tasks)
    except ParameterError:
        ap.error(f"--tasks must be from 1 to {MAX_TASKS:,}, got {known.tasks}")
    options: dict[str, Any] = {}
    kinds = dict(ANALYZE_OPTIONS)
    i = 0
    while i < len(rest):
        flag = rest[i]
        key = flag[2:].replace("-", "_")
        kind = kinds.get(key) if flag.startswith("--") else None
        if kind is None:
            ap.error(f"unknown flag {flag} (see `ecograph analyze --help`)")
        if kind == "flag":
            options[key] = True
            i += 1
            continue
        if i + 1 >= len(rest):
            ap.error(f"{flag} takes a value")
        if kind == "repeat":
            options.setdefault(key, []).append(rest[i + 1])
        else:
            options[key] = rest[i + 1]
        i += 2
    if "from" in options:
        options["from_"] = options.pop("from")
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("ecograph")
    if known.master:
        builder = builder.master(known.master)
    if known.driver_memory:
        builder = builder.config("spark.driver.memory", known.driver_memory)
    spark = builder.getOrCreate()
    try:
        analyze(
            spark,
            known.input,
            known.out,
            format=known.format,
            overwrite=known.overwrite,
            config=known.config,
            threads=known.threads,
            tasks=known.tasks,
            **options,
        )
    except EcographError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    finally:
        spark.stop()
    print(known.out)
    return 0


if __name__ == "__main__":
    # Run as a script (spark-submit .../ecograph/spark.py): the functions the executors
    # call must come from the installed module, not from __main__, so that cloudpickle
    # ships references and each executor process keeps one index (_INDEX).
    from ecograph.spark import main as _main

    raise SystemExit(_main())
