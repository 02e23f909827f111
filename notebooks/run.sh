#!/usr/bin/env bash
# Executes every notebook, as CI does, or refreshes the committed outputs.
#
#   bash notebooks/run.sh [--ecograph BIN] [--figures DIR] [--keep DIR]
#   bash notebooks/run.sh --update
#
# Check mode (the default; .ci/run calls it):
#   1. creates notebooks/.venv from notebooks/requirements.txt (again when that changes);
#   2. runs `ecograph analyze` on datasets/demo (with --report), the same in CSV format
#      with the example program (datasets/program.toml: tiers, attribution weights), and
#      on a generated 10,000-partner ecosystem (seed 4, the same program) it was not
#      written against;
#   3. check_definitions.py: the notebooks' tiles, bands, thresholds and alerts are the
#      report's (against each report page);
#   4. executes notebooks 01-04 on each of the three results folders through the
#      `results` parameter (papermill), the benchmark notebook at a small size, and
#      06 (the Python package in a pipeline) once, on the demo: it reads the input,
#      not results;
#   5. check_outputs.py: fails on any error and on a notebook that produced no figure.
#   The committed notebooks are not modified; the executed copies go to a temporary
#   folder (or --keep DIR), every figure as PNG to --figures DIR when given.
#   BIN defaults to target/debug/ecograph (built when missing).
#
# --update: what the committed outputs are made with. Builds the release binary, writes
# ./results from the demo and its example program (the README's first command), and executes every notebook in
# place with its default parameters: ../results, the benchmark at 100,000 partners
# with target/release/ecograph (a few minutes), and 06 on the demo.
#
# Both modes install the ecograph Python package (./python) into the venv first, for 06.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
cd "$ROOT"

bin="" figures="" keep="" update=0
while [ $# -gt 0 ]; do
    case "$1" in
        --ecograph) bin="$2"; shift 2 ;;
        --figures) figures="$2"; shift 2 ;;
        --keep) keep="$2"; shift 2 ;;
        --update) update=1; shift ;;
        -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

# shellcheck source=/dev/null
source "$ROOT/benches/peers/venv.sh"  # HERE/.venv from HERE/requirements.txt; sets VENV
PY="$VENV/bin/python"
export PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1 MPLBACKEND=module://matplotlib_inline.backend_inline
# (ipykernel's warning about its loopback TCP transport is filtered out of the log)
papermill() {
    "$VENV/bin/papermill" --log-level WARNING --no-progress-bar --cwd "$HERE" "$@" \
        2> >(grep -v "Kernel is running over TCP without encryption" >&2)
}

notebooks=("$HERE"/0[1-4]_*.ipynb)
bench="$HERE/05_benchmark_large_network.ipynb"
pipeline="$HERE/06_python_pipeline.ipynb"

# The ecograph package for notebook 06, built from this checkout every run (so it is
# the engine under test, not a stale copy). A debug build (maturin's `--profile dev`):
# it reuses target/debug's compiled dependencies (cargo build, cargo test and .ci/run's
# maturin develop leave them), so it only links the extension, some 10-20 s, where a
# release build would compile the whole engine again (several minutes on 2 cores). The
# demo takes a fraction of a second even in debug.
echo "== the ecograph package (./python, debug build) into $VENV"
t0=$SECONDS
MATURIN_PEP517_ARGS="--profile dev --locked" "$VENV/bin/pip" install -q --disable-pip-version-check ./python
echo "   installed in $((SECONDS - t0)) s"

if [ "$update" = 1 ]; then
    # The notebooks' own defaults: ../results, and ../target/release/ecograph.
    bin=target/release/ecograph
    cargo build --release --locked
    over=""
    [ -e results ] && over="--overwrite"
    "$bin" analyze datasets/demo --config datasets/program.toml --out results --report --quiet $over
    "$PY" "$HERE/check_definitions.py" results
    for nb in "${notebooks[@]}" "$bench" "$pipeline"; do
        echo "== $(basename "$nb")"
        papermill "$nb" "$nb"
    done
    "$PY" "$HERE/check_outputs.py" "${notebooks[@]}" "$bench" "$pipeline" ${figures:+--figures "$figures"}
    exit 0
fi

bin="${bin:-target/debug/ecograph}"
[ -x "$bin" ] || cargo build --locked --bin ecograph
bin="$(realpath "$bin")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="${keep:-$work/executed}"
mkdir -p "$out"

echo "== analyze: the demo (Parquet and CSV) and a generated 10,000-partner ecosystem"
"$bin" analyze datasets/demo --out "$work/demo" --report --quiet
"$bin" analyze datasets/demo --out "$work/demo-csv" --format csv --config datasets/program.toml --report --quiet
"$bin" generate --out "$work/in10k" --partners 10000 --deals 200000 --seed 4 --quiet
"$bin" analyze "$work/in10k" --out "$work/10k" --config datasets/program.toml --report --quiet

echo "== the notebooks' definitions are the report's"
"$PY" "$HERE/check_definitions.py" "$work/demo" "$work/demo-csv" "$work/10k"

executed=()
for results in demo demo-csv 10k; do
    for nb in "${notebooks[@]}"; do
        name="$(basename "$nb" .ipynb)"
        echo "== $name on $results"
        papermill "$nb" "$out/$name-$results.ipynb" -p results "$work/$results"
        executed+=("$out/$name-$results.ipynb")
    done
done
echo "== $(basename "$bench" .ipynb) at 2,000 partners"
papermill "$bench" "$out/05-small.ipynb" -p results "$work/bench/results" -p partners 2000 \
    -p deals 40000 -p ecograph "$bin"
executed+=("$out/05-small.ipynb")
echo "== $(basename "$pipeline" .ipynb) on the demo, through the Python package"
papermill "$pipeline" "$out/06-demo.ipynb"
executed+=("$out/06-demo.ipynb")

echo "== every notebook ran without error and drew its figures"
"$PY" "$HERE/check_outputs.py" "${executed[@]}" ${figures:+--figures "$figures"}
