#!/usr/bin/env bash
# End-to-end benchmark of ecograph against NetworkX, python-igraph and NetworKit.
#
#   benches/peers/run.sh [SIZE] [RUNS]
#
#   SIZE  10k  = 10,000 partners / 200,000 deals
#         100k = 100,000 partners / 3,000,000 deals (default)
#   RUNS  timed ecograph runs (default 5; the median is reported)
#
# Environment:
#   PEER_RUNS=3        timed runs per peer library (median reported); 0 = keep the
#                      peer results already in results/SIZE.json, re-run ecograph only
#   PEERS=networkx,igraph,networkit
#   PEER_TIMEOUT=900   seconds per peer run (NetworkX at 100k may need it)
#   PEER_SLOW=120      after a peer run longer than this, no more runs of that peer
#   REGEN=1            regenerate the dataset even if benches/peers/data/SIZE exists
#   BUILD=1            run `cargo build --release` first (off by default)
#   ECOGRAPH=path      binary to benchmark (default target/release/ecograph)
#
# Needs: python3.11 (or python3), /usr/bin/time (installed with apt-get if missing).
# Writes benches/peers/results/SIZE.json and prints a Markdown table.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SIZE="${1:-100k}"
RUNS="${2:-5}"
PEER_RUNS="${PEER_RUNS:-3}"
PEERS="${PEERS:-networkx,igraph,networkit}"
PEER_TIMEOUT="${PEER_TIMEOUT:-900}"
PEER_SLOW="${PEER_SLOW:-120}"
ECOGRAPH="${ECOGRAPH:-$ROOT/target/release/ecograph}"

case "$SIZE" in
  10k)  PARTNERS=10000;  DEALS=200000 ;;
  100k) PARTNERS=100000; DEALS=3000000 ;;
  *) echo "unknown size '$SIZE' (use 10k or 100k)" >&2; exit 2 ;;
esac
SEED=7
DATA="$HERE/data/$SIZE"
RESULTS="$HERE/results"
mkdir -p "$HERE/data" "$RESULTS"

log() { printf '== %s\n' "$*" >&2; }

# --- tools ------------------------------------------------------------------------------

if [ "${BUILD:-0}" = 1 ]; then
  log "cargo build --release"
  (cd "$ROOT" && cargo build --release --locked)
fi
if [ ! -x "$ECOGRAPH" ]; then
  echo "no ecograph binary at $ECOGRAPH: build it with 'cargo build --release' (or BUILD=1)" >&2
  exit 1
fi

# shellcheck source=venv.sh
source "$HERE/venv.sh"
# shellcheck source=gnu_time.sh
source "$HERE/gnu_time.sh"

# --- dataset ----------------------------------------------------------------------------
if [ "${REGEN:-0}" = 1 ] || [ ! -f "$DATA/deal_partners.csv" ]; then
  log "generating $SIZE: $PARTNERS partners, $DEALS deals, seed $SEED"
  start=$(date +%s.%N)
  "$ECOGRAPH" generate --out "$DATA" --partners "$PARTNERS" --deals "$DEALS" --seed "$SEED" \
    --overwrite --quiet
  end=$(date +%s.%N)
  printf '{"partners": %d, "deals": %d, "seed": %d, "generate_seconds": %.2f, "ecograph": "%s"}\n' \
    "$PARTNERS" "$DEALS" "$SEED" "$(awk "BEGIN{print $end - $start}")" "$("$ECOGRAPH" --version)" \
    > "$HERE/data/$SIZE.params.json"
else
  log "reusing $DATA (REGEN=1 to regenerate)"
fi
du -sh "$DATA"/*.csv >&2

# --- ecograph ---------------------------------------------------------------------------
rm -f "$RESULTS/ecograph-$SIZE-run"*.{time,stderr,meta}
printf '{"path": "%s", "version": "%s", "sha256": "%s", "modified": "%s"}\n' "$ECOGRAPH" \
  "$("$ECOGRAPH" --version)" "$(sha256sum "$ECOGRAPH" | cut -d' ' -f1)" \
  "$(date -r "$ECOGRAPH" +%Y-%m-%dT%H:%M:%S%z)" > "$RESULTS/ecograph-$SIZE.binary.json"
log "ecograph analyze, $RUNS runs ($("$ECOGRAPH" --version))"
for i in $(seq 1 "$RUNS"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -v -o "$RESULTS/ecograph-$SIZE-run$i.time" \
    "$ECOGRAPH" analyze "$DATA" --out "$RESULTS/ecograph-$SIZE" --overwrite --quiet -v \
    2> "$RESULTS/ecograph-$SIZE-run$i.stderr" || {
      echo "ecograph run $i failed:" >&2; cat "$RESULTS/ecograph-$SIZE-run$i.stderr" >&2; exit 1; }
  printf '{"loadavg_before": %s}\n' "$load" > "$RESULTS/ecograph-$SIZE-run$i.meta"
  wall=$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$RESULTS/ecograph-$SIZE-run$i.time")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$RESULTS/ecograph-$SIZE-run$i.time")
  log "  run $i: wall $wall, max RSS $((rss / 1024)) MiB (load avg before: $load)"
done

# --- peers + report ---------------------------------------------------------------------
log "peers: $PEERS, $PEER_RUNS runs each (timeout ${PEER_TIMEOUT}s)"
"$VENV/bin/python" "$HERE/peers.py" "$SIZE" --runs "$PEER_RUNS" --peers "$PEERS" \
  --timeout "$PEER_TIMEOUT" --slow "$PEER_SLOW"
