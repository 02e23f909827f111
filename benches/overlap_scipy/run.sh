#!/usr/bin/env bash
# ecograph's customer overlap against SciPy's `A @ A.T` on the same incidence, same
# machine, same run.
#
#   benches/overlap_scipy/run.sh [DATA] [RUNS]
#
#   DATA  an input folder (default /tmp/eco-100k; generated with seed 7 if missing:
#         ecograph generate --partners 100000 --deals 3000000 --seed 7)
#   RUNS  timed runs per side (default 5; medians reported)
#
# Steps: builds the `overlap_bench` example (release), which loads DATA, writes the
# partner x customer incidence to $OUT/incidence.bin and times ecograph's kernel
# (JSON on stdout); then, in its own virtualenv (benches/overlap_scipy/.venv from the
# pinned requirements.txt, made by benches/peers/venv.sh and made again when the
# requirements change), scipy_overlap.py times A @ A.T on that same file. Prints a
# Markdown table and writes results/overlap-scipy.json. Needs python3.11 (or python3).
# BENCH_BIN=path runs that prebuilt overlap_bench instead of building one (A/B runs of
# two builds without rebuilding in between).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATA="${1:-/tmp/eco-100k}"
RUNS="${2:-5}"
OUT="${OUT:-$(mktemp -d /tmp/overlap-scipy.XXXXXX)}"
mkdir -p "$HERE/results" "$OUT"

if [ ! -f "$DATA/deal_partners.csv" ]; then
  (cd "$ROOT" && cargo build --release --quiet)
  "$ROOT/target/release/ecograph" generate --out "$DATA" --partners 100000 --deals 3000000 --seed 7 --quiet
fi

# shellcheck source=../peers/venv.sh
source "$ROOT/benches/peers/venv.sh"

BIN="${BENCH_BIN:-$ROOT/target/release/examples/overlap_bench}"
if [ -z "${BENCH_BIN:-}" ]; then
  (cd "$ROOT" && cargo build --release --quiet --example overlap_bench)
fi
echo "== ecograph (load not timed), $RUNS runs: $BIN" >&2
"$BIN" "$DATA" "$OUT" "$RUNS" > "$OUT/ecograph.json"
echo "== scipy A @ A.T, $RUNS runs" >&2
"$VENV/bin/python" "$HERE/scipy_overlap.py" "$OUT/incidence.bin" "$RUNS" > "$OUT/scipy.json"

"$VENV/bin/python" - "$OUT/ecograph.json" "$OUT/scipy.json" "$HERE/results/overlap-scipy.json" <<'PY'
import json, statistics as st, sys, os
e = json.load(open(sys.argv[1])); s = json.load(open(sys.argv[2]))
med = lambda xs: st.median(xs) if isinstance(xs, list) else xs
mib = lambda b: f"{b / 2**20:.1f} MiB"
json.dump({"ecograph": e, "scipy": s, "loadavg": os.getloadavg()}, open(sys.argv[3], "w"), indent=1)
print(f"incidence: {e['partners']} partners x {e['customers']} customers, {e['nnz']} links "
      f"({mib(e['input_bytes'])} as CSR); {e['pairs']} customer pairs; largest block "
      f"{e['largest_block_pairs']} pairs ({mib(e['largest_block_bytes'])}); ecograph threads {e['threads']}")
print()
print("| what | median time | peak extra memory | SciPy `A @ A.T` / this | SciPy with columns / this |")
print("|---|---|---|---|---|")
base, cols = med(s["product_s"]), med(s["with_columns_s"])
for name, t, m in [
    ("SciPy `A @ A.T` (full symmetric product, counts only)", s["product_s"], s["product_peak_extra_bytes"]),
    ("SciPy `triu(A @ A.T, 1)` + sizes, jaccard, overlap, cosine", s["with_columns_s"], s["with_columns_peak_extra_bytes"]),
    ("ecograph pairs, counts only (upper triangle, streamed)", e["pairs_s"], e["pairs_peak_extra_bytes"]),
    ("ecograph pairs + sizes, jaccard, overlap, cosine (streamed)", e["pairs_columns_s"], e["pairs_columns_peak_extra_bytes"]),
    ("ecograph customer pass (columns + per-partner columns, by-type)", e["customer_pass_s"], e["customer_pass_peak_extra_bytes"]),
    ("ecograph pairs streamed to Parquet (zstd)", e["parquet_s"], e["parquet_peak_extra_bytes"]),
]:
    print(f"| {name} | {med(t):.3f} s | {mib(med(m))} | {base / med(t):.2f}x | {cols / med(t):.2f}x |")
got, want = e["similarity_sum"], s["with_columns_result"]
print(f"\nsum of jaccard + overlap + cosine over all pairs: ecograph {got!r}, SciPy {want!r} "
      f"(relative difference {abs(got - want) / abs(want):.1e})")
PY
echo "raw results: $HERE/results/overlap-scipy.json (scratch in $OUT)" >&2
