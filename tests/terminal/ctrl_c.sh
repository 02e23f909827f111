#!/usr/bin/env bash
# What a person sees on Ctrl-C, checked on a real terminal: runs `ecograph analyze` in a
# tmux pane (so the spinner is drawn), presses Ctrl-C while it works, and reads the
# screen back. The spinner line must be gone, the run must say "interrupted" and exit
# 130, and no staging folder may be left.
#
#   bash tests/terminal/ctrl_c.sh [path/to/ecograph]   (default: target/debug/ecograph)
#
# Needs tmux (.ci/run installs it).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(realpath "${1:-target/debug/ecograph}")"
work="$(mktemp -d)"
session="ecograph-ctrl-c-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin" generate --out "$work/in" --partners 5000 --deals 100000 --seed 3 --quiet
tmux new-session -d -s "$session" -x 100 -y 12 "bash --norc --noprofile"
tmux send-keys -t "$session" "cd '$work' && clear && '$bin' analyze in --out out; echo EXIT=\$?" Enter

# Wait until a spinner stage is on screen (a braille spinner glyph, then a stage name).
spinner='[⠁⠂⠄⡀⢀⠠⠐⠈⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏⠉⠒⠤⣀⠲⠖⠓⠚]'
for _ in $(seq 1 300); do
    if tmux capture-pane -t "$session" -p | grep -q "$spinner"; then break; fi
    sleep 0.1
done
before="$(tmux capture-pane -t "$session" -p)"
if ! grep -q "$spinner" <<<"$before"; then
    echo "FAIL: no spinner appeared"; echo "$before"; exit 1
fi
sleep 1
tmux send-keys -t "$session" C-c
for _ in $(seq 1 100); do
    if tmux capture-pane -t "$session" -p | grep -q "EXIT="; then break; fi
    sleep 0.1
done
screen="$(tmux capture-pane -t "$session" -p)"
echo "--- screen after Ctrl-C:"; echo "$screen" | sed '/^$/d'; echo "---"
fail=0
grep -q "$spinner" <<<"$screen" && { echo "FAIL: the spinner line is still on screen"; fail=1; }
grep -q "^interrupted" <<<"$screen" || { echo "FAIL: no 'interrupted' line"; fail=1; }
grep -q "EXIT=130" <<<"$screen" || { echo "FAIL: exit code is not 130"; fail=1; }
left="$(ls -A "$work" | grep -v '^in$' || true)"
[ -z "$left" ] || { echo "FAIL: left behind: $left"; fail=1; }
if [ "$fail" = 0 ]; then echo "ctrl_c.sh: 1 passed, 0 failed"; else echo "ctrl_c.sh: 0 passed, 1 failed"; exit 1; fi
