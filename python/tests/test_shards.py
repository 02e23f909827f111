"""The overlap family's partner blocks, computed anywhere, give the command line's
bytes: the fast layer of the Spark job's tests, without Spark.

`ecograph.spark.local_runner` computes the blocks in this process through exactly
what the executors get and send back (the index as Arrow IPC bytes, one batch per
block). Here the engine's blocks are re-cut at random sizes and the batches come back
in a shuffled order; every output file must still equal the command line's, byte for
byte. Then what a broken runner does: a clear error, and no output folder.
"""

from __future__ import annotations

import random

import pytest

import ecograph
import ecograph.spark as es
from ecograph import _ecograph
from test_cli_equality import check_same


def shuffled(runner, seed):
    """The runner's batches in a random order (a cluster returns them in any)."""

    def run(dimension, index_ipc, params, blocks):
        out = list(runner(dimension, index_ipc, params, blocks))
        random.Random(seed).shuffle(out)
        return out

    return run


def random_cut(seed):
    """Re-cuts each engine block into pieces of random sizes (1 partner and up)."""
    rng = random.Random(seed)

    def run(dimension, index_ipc, params, blocks):
        index = _ecograph.ShardIndex(index_ipc)
        out = []
        for start, end in blocks:
            s = start
            while s < end:
                e = min(end, s + rng.choice([1, 2, 3, 17, 250, 10_000]))
                # Some blocks on several threads (a Spark task with spark.task.cpus > 1).
                threads = rng.choice([1, 1, 2, 3])
                out.append(
                    index.shard(s, e, params["threshold"], params["top_k"], params["min_jaccard"], threads)
                )
                s = e
        return out

    return run


def run_with(source, out, runner, config=None, **options):
    return ecograph._analyze(
        str(source), out, "parquet", False, config, None, options, overlap_runner=runner
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_demo_in_random_blocks_equals_cli(demo, demo_config, demo_cli_results, tmp_path, seed):
    res = run_with(demo, tmp_path / "out", shuffled(random_cut(seed), seed), config=str(demo_config))
    check_same(demo_cli_results, res)


@pytest.mark.parametrize(
    "options",
    [
        {"overlap_top_k": 5},
        {"overlap_top_k": "all", "overlap_min_jaccard": 0.2},
        {"overlap_top_k": 1, "overlap_threshold": 0.1},
    ],
    ids=["top5", "all-min0.2", "top1-threshold0.1"],
)
def test_generated_in_random_blocks_equals_cli(cli, generated, tmp_path, options):
    flags = []
    for k, v in options.items():
        flags += ["--" + k.replace("_", "-"), v]
    cli("analyze", generated, "--out", tmp_path / "cli", "--quiet", *flags)
    for seed in (11, 12):
        res = run_with(generated, tmp_path / f"py{seed}", shuffled(random_cut(seed), seed), **options)
        check_same(tmp_path / "cli", res)


def test_the_local_runner_whole_blocks_equals_cli(demo, demo_config, demo_cli_results, tmp_path):
    res = run_with(demo, tmp_path / "out", es.local_runner(), config=str(demo_config))
    check_same(demo_cli_results, res)


def test_a_failing_runner_stops_the_run_and_writes_nothing(demo, tmp_path):
    def broken(dimension, index_ipc, params, blocks):
        raise RuntimeError("executor lost")

    with pytest.raises(ecograph.EcographError, match="executor lost"):
        run_with(demo, tmp_path / "out", broken)
    assert not (tmp_path / "out").exists()


def test_a_runner_that_loses_a_block_is_caught(demo, tmp_path):
    def lossy(dimension, index_ipc, params, blocks):
        out = es.local_runner(partners_per_call=3)(dimension, index_ipc, params, blocks)
        return out[1:]

    with pytest.raises(ecograph.EcographError, match="no row for partner"):
        run_with(demo, tmp_path / "out", lossy)
    assert not (tmp_path / "out").exists()


def test_a_runner_that_returns_a_block_twice_is_caught(demo, tmp_path):
    def twice(dimension, index_ipc, params, blocks):
        out = es.local_runner(partners_per_call=3)(dimension, index_ipc, params, blocks)
        return out + out[:1]

    with pytest.raises(ecograph.EcographError, match="twice"):
        run_with(demo, tmp_path / "out", twice)


def test_an_index_of_garbage_is_refused():
    with pytest.raises(ecograph.EcographError, match="Arrow IPC"):
        _ecograph.ShardIndex(b"not arrow")


def test_a_block_outside_the_index_is_refused(demo, tmp_path):
    seen = {}

    def keep(dimension, index_ipc, params, blocks):
        seen[dimension] = index_ipc
        return es.local_runner()(dimension, index_ipc, params, blocks)

    run_with(demo, tmp_path / "out", keep)
    index = _ecograph.ShardIndex(seen["customer"])
    assert index.partners > 0
    with pytest.raises(ecograph.EcographError, match="outside"):
        index.shard(0, index.partners + 1, 0.5, 10, None)
    with pytest.raises(ecograph.EcographError, match="overlap-top-k"):
        index.shard(0, 1, 0.5, 0, None)
    assert _ecograph.shard_columns()[0] == "partner"


def test_shard_runner_refuses_tasks_out_of_range():
    for bad in (0, -3, 10**7, 2.5, True, "4"):
        with pytest.raises(ecograph.ParameterError, match="tasks must be a whole number"):
            es.shard_runner(None, bad)
    # Counter-examples: the bounds themselves and the default are accepted.
    for good in (1, es.MAX_TASKS, None):
        assert callable(es.shard_runner(None, good))
