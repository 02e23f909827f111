#!/usr/bin/env bash
# What a person sees while a long run works, checked on a real terminal: runs
# `ecograph analyze -v` in a tmux pane on a generated 8,000-partner ecosystem and reads
# the screen every 0.1 s. Every metered stage lasting 0.5 s or more must have shown a
# bar with counts and an ETA (megabytes read, betweenness samples, closeness source
# batches, pair blocks written; writing every pair of 8,000 partners makes at least
# one such stage), the screen
# must be clean when the run ends, and `-v` must print one aligned timing line per stage.
#
#   bash tests/terminal/progress.sh [path/to/ecograph]   (default: target/debug/ecograph)
#
# Needs tmux (.ci/run installs it).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(realpath "${1:-target/debug/ecograph}")"
work="$(mktemp -d)"
session="ecograph-progress-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin" generate --out "$work/in" --partners 8000 --deals 160000 --seed 3 --quiet
tmux new-session -d -s "$session" -x 120 -y 40 "bash --norc --noprofile"
# Sampled betweenness (the exact limit below the partner count) so samples are counted.
tmux send-keys -t "$session" "cd '$work' && clear && '$bin' analyze in --out out -v --betweenness-exact-limit 100 --overlap-top-k all; echo EXIT=\$?" Enter

seen="$work/frames.txt"
: > "$seen"
for _ in $(seq 1 3000); do
    frame="$(tmux capture-pane -t "$session" -p)"
    grep -E '\[[=> ]+\] [0-9.,]+[KM]?/[0-9.,]+[KM]? .*ETA' <<<"$frame" >> "$seen" || true
    if grep -q "EXIT=" <<<"$frame"; then break; fi
    sleep 0.1
done
screen="$(tmux capture-pane -t "$session" -p)"
echo "--- bars seen (one line per unit):"
for unit in "MB read" "samples" "source batches" "customer pair blocks" "product pair blocks"; do
    grep -m1 "$unit" "$seen" || true
done
echo "--- screen at the end:"; echo "$screen" | sed '/^$/d'; echo "---"
fail=0
grep -q "EXIT=0" <<<"$screen" || { echo "FAIL: the run did not succeed"; fail=1; }
# Every metered stage that lasted 0.5 s or more was seen as a bar with its counts.
metered=0
for stage in "load + validate" "betweenness" "closeness + harmonic" "overlap pairs"; do
    secs="$(awk -v st="$stage" 'index($0, st " ") == 1 && match($0, /[0-9.]+ s( |$)/) { print substr($0, RSTART, RLENGTH - 2) + 0 }' <<<"$screen")"
    if awk -v s="${secs:-0}" 'BEGIN { exit !(s >= 0.5) }'; then
        metered=$((metered + 1))
        grep -qF "$stage [" "$seen" || { echo "FAIL: $stage took ${secs}s without a bar"; fail=1; }
    fi
done
echo "metered stages of 0.5 s or more, each seen as a bar: $metered"
[ "$metered" -ge 1 ] || { echo "FAIL: no metered stage lasted 0.5 s; the check proves nothing"; fail=1; }
grep -qE '\[[=> ]+\]' <<<"$screen" && { echo "FAIL: a bar is left on screen"; fail=1; }
# -v: every stage on its own line, the seconds right-aligned in one column (then the
# memory columns).
timings="$(grep -E '[0-9] s( |$)' <<<"$screen" || true)"
[ "$(wc -l <<<"$timings")" -ge 10 ] || { echo "FAIL: fewer than 10 stage timings"; fail=1; }
cols="$(awk 'match($0, /[0-9] s( |$)/) { print RSTART }' <<<"$timings" | sort -u | wc -l)"
[ "$cols" = 1 ] || { echo "FAIL: stage timings are not aligned"; fail=1; }
if [ "$fail" = 0 ]; then echo "progress.sh: 1 passed, 0 failed"; else echo "progress.sh: 0 passed, 1 failed"; exit 1; fi
