#!/usr/bin/env bash
# The report as a person sees it, in a real browser: renders the report of the demo and
# of a generated 10,000-partner ecosystem, the scorecards of the latter's top ten, and the
# demo's 2024 Q3 review with tiers and a "since last period" section against Q2, opens each in headless Chromium (Debian's
# package) from file://, with the network off, screenshots it, and fails on a console
# error, a failed load, or a section left empty after the page's script ran; then drives
# the network map of the demo's and the 10k page in Playwright (map_test.py, in a venv
# from tests/report/requirements.txt).
#
#   bash tests/report/check.sh [path/to/ecograph] [screenshot folder]
#   (defaults: target/debug/ecograph, a temporary folder; the PNGs are kept there)
#
# Installs chromium from Debian's packages when it is missing (.ci/run relies on it).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(realpath "${1:-target/debug/ecograph}")"
shots="${2:-$(mktemp -d)}"
mkdir -p "$shots"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if ! command -v chromium >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# Flags from the machine notes: no sandbox as root, and no background networking (the
# machine's closed network refuses those connections).
chrome() {
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$work/profile-$1" --hide-scrollbars "${@:2}"
}

"$bin" analyze datasets/demo --out "$work/demo" --report --quiet
"$bin" generate --out "$work/in10k" --partners 10000 --deals 200000 --seed 4 --quiet
"$bin" analyze "$work/in10k" --out "$work/10k" --report --quiet
# The scorecards of the ten largest partners, checked like the review.
mkdir -p "$work/cards"
"$bin" report "$work/10k" --partners top:10 --out "$work/cards/report.html" --quiet

# Two quarters of the demo with tiers: the review with its program sections (which
# story is fair, the tier review, since last period).
tiers=tests/fixtures/program/demo_tiers.toml
"$bin" analyze datasets/demo --out "$work/q2" --period 2024Q2 --config "$tiers" --quiet
"$bin" analyze datasets/demo --out "$work/q3" --period 2024Q3 --config "$tiers" --quiet
mkdir -p "$work/since"
"$bin" report "$work/q3" --since "$work/q2" --out "$work/since/report.html" --quiet

fail=0
for name in demo 10k cards since; do
    # The review has eleven kinds of section (thirteen with tiers and a period before);
    # the scorecards page one kind, once a partner.
    min_sections=$(case "$name" in cards) echo 1 ;; since) echo 13 ;; *) echo 11 ;; esac)
    page="$work/$name/report.html"
    size=$(stat -c %s "$page")
    echo "$name: report.html $size bytes"
    if [ "$size" -ge 5000000 ]; then
        echo "FAIL $name: report.html is $size bytes, over 5 MB" >&2
        fail=1
    fi
    # Console messages and errors go to the log; the DOM after the script ran to a file.
    chrome "$name-dom" --enable-logging=stderr --v=0 --virtual-time-budget=3000 \
        --dump-dom "file://$page" > "$work/$name.dom" 2> "$work/$name.log"
    chrome "$name-png" --window-size=1280,4000 --screenshot="$shots/report-$name.png" \
        "file://$page" 2>/dev/null
    if grep -E 'CONSOLE.*(error|Error)|Uncaught|Failed to load|net::ERR' "$work/$name.log"; then
        echo "FAIL $name: console errors (above)" >&2
        fail=1
    fi
    # Every section has content: a table cell, a list item, an SVG drawing, or tiles.
    python3 - "$work/$name.dom" "$name" "$min_sections" <<'PY' || fail=1
import sys
from html.parser import HTMLParser

class Sections(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.found = [], {}
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.stack.append(a.get("data-section", "?"))
            self.found[self.stack[-1]] = 0
        elif self.stack and (tag in ("td", "li", "path", "rect", "polyline", "circle") or a.get("class") == "tile"):
            self.found[self.stack[-1]] += 1
    def handle_endtag(self, tag):
        if tag == "section" and self.stack:
            self.stack.pop()

p = Sections()
p.feed(open(sys.argv[1], encoding="utf-8").read())
empty = [s for s, n in p.found.items() if n == 0]
print(f"{sys.argv[2]}: sections {', '.join(f'{s} ({n})' for s, n in p.found.items())}")
if len(p.found) < int(sys.argv[3]) or empty:
    print(f"FAIL {sys.argv[2]}: empty sections {empty} of {list(p.found)}", file=sys.stderr)
    sys.exit(1)
PY
    [ -s "$shots/report-$name.png" ] || { echo "FAIL $name: no screenshot" >&2; fail=1; }
done
# The vendored map libraries are the files their README pins.
(cd src/report/vendor && sha256sum --quiet -c SHA256SUMS) || {
    echo "FAIL the vendored map libraries differ from src/report/vendor/SHA256SUMS" >&2
    fail=1
}

# The network map as a person uses it (Playwright, tests/report/map_test.py): search a
# partner, pick it, its ties highlighted and its card's revenue, labels apart at several
# zooms, no console error, no request, open time; screenshots at 1,280 and 1,920 px. In
# a venv in target/ from the pinned requirements (again when they change).
venv="$PWD/target/report-venv"
req_sum="$(sha256sum tests/report/requirements.txt | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" != "$req_sum" ]; then
    rm -rf "$venv"
    "$(command -v python3.11 || command -v python3)" -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r tests/report/requirements.txt
    echo "$req_sum" > "$venv/.requirements.sha256"
fi
"$venv/bin/python" tests/report/map_test.py "$work/demo/report.html" "$work/10k/report.html" \
    --shots "$shots" || fail=1

echo "screenshots: $shots/report-demo.png $shots/report-10k.png $shots/report-cards.png $shots/report-since.png $shots/map-*.png"
exit "$fail"
