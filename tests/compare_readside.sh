#!/usr/bin/env bash
# Read-side byte check (complements tests/compare_outputs.sh, which runs analyze and
# generate only): analyze folders are written once, by OLD; then each binary runs
# report, report --since, the scorecards (top:N, --partner ids, an unknown id) and
# compare on the same folders. Exit codes, stdout, stderr and every written file are
# compared byte for byte.
#
#   bash tests/compare_readside.sh OLD_BINARY NEW_BINARY WORK_DIR
set -uo pipefail
old=$(realpath "$1")
new=$(realpath "$2")
work=$3
repo="$(cd "$(dirname "$0")/.." && pwd)"
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
diffs=()
runs=0
files=0

# run LABEL OUTPATH ARGS...: both binaries write OUTPATH (same path, in turn).
run() {
    local label=$1 outp=$2
    shift 2
    rm -rf "$outp" o_old o_new
    "$old" "$@" >out_old 2>err_old
    local rc_old=$?
    [[ -e $outp ]] && mv "$outp" o_old
    "$new" "$@" >out_new 2>err_new
    local rc_new=$?
    [[ -e $outp ]] && mv "$outp" o_new
    runs=$((runs + 1))
    [[ $rc_old -eq $rc_new ]] || diffs+=("$label: exit $rc_old vs $rc_new")
    cmp -s out_old out_new || diffs+=("$label: stdout differs")
    cmp -s err_old err_new || diffs+=("$label: stderr differs")
    if [[ -e o_old || -e o_new ]]; then
        if [[ -e o_old && -e o_new ]]; then
            files=$((files + $(find o_old -type f | wc -l)))
            diff -rq o_old o_new >/dev/null || diffs+=("$label: $(diff -rq o_old o_new | head -3 | tr '\n' ' ')")
        else
            diffs+=("$label: written by one binary only")
        fi
    fi
    echo "$label: exit $rc_old/$rc_new"
}

# Inputs with names edited (csv-aware): A blanks some names; B blanks others and gives
# two partners their own id as name (the case a name-or-id shortcut would get wrong).
python3 - "$repo/datasets/demo" <<'EOF'
import csv, shutil, sys
src = sys.argv[1]
for tag, blank, as_id in [("A", {"P000001", "P000002", "P000056"}, {"P000007"}),
                          ("B", {"P000003", "P000007", "P000085"}, {"P000001", "P000004"})]:
    dst = f"names{tag}"
    shutil.copytree(src, dst)
    with open(f"{src}/partners.csv", newline="") as f:
        rows = list(csv.reader(f))
    for r in rows[1:]:
        if r[0] in blank:
            r[1] = ""
        if r[0] in as_id:
            r[1] = r[0]
    with open(f"{dst}/partners.csv", "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
EOF

prog="$repo/datasets/program.toml"
an() { # an NAME INPUT [FLAGS...]: analyzed by OLD
    local name=$1 input=$2
    shift 2
    "$old" analyze -q "$input" --out "res/$name" "$@" 2>/dev/null || echo "analyze $name failed"
}
mkdir -p res
for fmt in parquet arrow csv; do
    an "demo-$fmt" "$repo/datasets/demo" --config "$prog" --format "$fmt"
done
an demo-2023 "$repo/datasets/demo" --config "$prog" --period 2023
an demo-2024 "$repo/datasets/demo" --config "$prog" --period 2024
an demo-2024Q3-csv "$repo/datasets/demo" --config "$prog" --period 2024Q3 --format csv
an demo-2024Q4-csv "$repo/datasets/demo" --config "$prog" --period 2024Q4 --format csv
an demo-reduced "$repo/datasets/demo" --metrics -betweenness,-community
an namesA-2023 namesA --config "$prog" --period 2023
an namesB-2024 namesB --config "$prog" --period 2024
an namesA-csv namesA --config "$prog" --format csv
an namesB-csv namesB --config "$prog" --format csv
an salesforce "$repo/datasets/salesforce_example" --config "$repo/datasets/salesforce.toml"
an hubspot "$repo/datasets/hubspot_example" --config "$repo/datasets/hubspot.toml"
an edge "$repo/tests/fixtures/program/edge" --config "$repo/tests/fixtures/program/edge_tiers.toml"
an overlap-edge "$repo/tests/fixtures/overlap/edge"
an karate "$repo/tests/fixtures/classic/karate"
for seed in 1 7; do
    "$old" generate -q --partners 300 --deals 3000 --seed "$seed" --out "gen$seed" 2>/dev/null
    an "gen$seed" "gen$seed" --config "$prog"
done

for r in res/*; do
    n=${r#res/}
    run "report $n" page.html report "$r" -o page.html
    run "scorecards top:7 $n" cards.html report "$r" --partners top:7 -o cards.html
    run "scorecards top:100000 $n" cards.html report "$r" --partners top:100000 -o cards.html
    run "scorecard unknown id $n" cards.html report "$r" --partner NO_SUCH_PARTNER -o cards.html
done
# Scorecards by id, a partner given twice, names edited.
for r in res/namesA-csv res/namesB-csv res/demo-parquet res/edge; do
    ids=$(
        case $r in
        res/edge) echo "--partner P1 --partner P10 --partner P1" ;;
        *) echo "--partner P000001 --partner P000007 --partner P000001 --partner P000085" ;;
        esac
    )
    # shellcheck disable=SC2086
    run "scorecards by id $r" cards.html report "$r" $ids -o cards.html
done

pairs=(
    "demo-2023 demo-2024"
    "demo-2024 demo-2023"
    "demo-2024Q3-csv demo-2024Q4-csv"
    "demo-parquet demo-parquet"
    "demo-parquet demo-reduced"
    "namesA-2023 namesB-2024"
    "namesB-2024 namesA-2023"
    "namesA-csv namesB-csv"
    "gen1 gen7"
    "demo-parquet salesforce"
    "edge overlap-edge"
    "karate edge"
    "hubspot demo-csv"
)
for p in "${pairs[@]}"; do
    set -- $p
    a=res/$1
    b=res/$2
    run "report $2 --since $1" page.html report "$b" --since "$a" -o page.html
    run "compare $1 $2 parquet" cmpout compare "$a" "$b" --out cmpout
    run "compare $1 $2 csv" cmpout compare "$a" "$b" --out cmpout --format csv
    run "compare $1 $2 csv raw" cmpout compare "$a" "$b" --out cmpout --format csv --csv-raw
done
# Refusals: not a results folder.
run "report of a non-results folder" page.html report "$repo/datasets/demo" -o page.html
run "compare with a non-results folder" cmpout compare res/demo-parquet "$repo/datasets/demo" --out cmpout

echo "compared $files files from $runs runs"
if [[ ${#diffs[@]} -gt 0 ]]; then
    printf 'DIFFERENT: %s\n' "${diffs[@]}"
    exit 1
fi
echo "every read-side output, exit code and message is byte-identical"
