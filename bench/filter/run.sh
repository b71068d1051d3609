#!/usr/bin/env bash
# Near-duplicate filtering benchmark (issue 7): Self-Instruct's ROUGE-L > 0.7 filter on N
# generated rows (default 100,000), our Swift filter (MinHash/LSH candidates, exact ROUGE-L)
# side by side with Python implementations using the `rouge-score` package.
#
# The Python filters compare each row with every kept row (quadratic), so they run on
# subsets and are extrapolated to N by (N/n)^2; the Swift exhaustive filter runs on the same
# subsets to check that both drop exactly the same rows, and on EXACT_SUBSET rows to measure
# how many near-duplicates the MinHash/LSH path misses.
#
# Environment: N, PY_SUBSETS, ALPACA_SUBSETS, EXACT_SUBSET, FILTER_BENCH_DIR, FILTER_BENCH_VENV.
# Needs python3 and pip access to install rouge-score into the venv on the first run.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-100000}
PY_SUBSETS=${PY_SUBSETS:-"500 1000"}
ALPACA_SUBSETS=${ALPACA_SUBSETS:-"1000"}
EXACT_SUBSET=${EXACT_SUBSET:-10000}
WORK=${FILTER_BENCH_DIR:-$HOME/.cache/fewshot-bench/filter}
VENV=${FILTER_BENCH_VENV:-$HOME/.cache/fewshot-bench/venv-rouge}
mkdir -p "$WORK"

rows="$WORK/rows-$N.jsonl"
[ -s "$rows" ] || python3 bench/filter/gen_rows.py "$N" 1 > "$rows"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import rouge_score" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q rouge-score
fi

echo "building (release)..." >&2
swift build -c release --target Datasets >&2
B=.build/release
swiftc -O bench/filter/main.swift -I "$B/Modules" -o "$WORK/filterbench" \
    "$B"/Datasets.build/*.o "$B"/OrderedCollections.build/*.o "$B"/InternalCollectionsUtilities.build/*.o

results="$WORK/results.jsonl"
: > "$results"
# The machine is shared: wait (up to 30 seconds) for other processes to calm down before each
# timed run, and keep the load seen next to the figures.
. bench/lib.sh
run() {
    bench_quiet 0.3 30
    "$@" | tee -a "$results"
}
same() {  # rows dropped by both / only by the first / only by the second
    local a=$1 b=$2 label=$3
    local both only_a only_b
    both=$(comm -12 <(sort "$a") <(sort "$b") | wc -l)
    only_a=$(comm -23 <(sort "$a") <(sort "$b") | wc -l)
    only_b=$(comm -13 <(sort "$a") <(sort "$b") | wc -l)
    echo "{\"compare\": \"$label\", \"both\": $both, \"only_first\": $only_a, \"only_second\": $only_b}" | tee -a "$results"
}

run "$WORK/filterbench" "$rows" "$N" minhash "$WORK/drop-swift-minhash-$N.txt"
for n in $PY_SUBSETS; do
    run "$WORK/filterbench" "$rows" "$n" exhaustive "$WORK/drop-swift-exhaustive-$n.txt"
    run "$VENV/bin/python" bench/filter/selfinstruct_filter.py "$rows" "$n" selfinstruct "$WORK/drop-python-si-$n.txt"
    same "$WORK/drop-python-si-$n.txt" "$WORK/drop-swift-exhaustive-$n.txt" "python-selfinstruct vs swift-exhaustive, $n rows"
done
for n in $ALPACA_SUBSETS; do
    run "$VENV/bin/python" bench/filter/selfinstruct_filter.py "$rows" "$n" alpaca "$WORK/drop-python-alpaca-$n.txt"
done
run "$WORK/filterbench" "$rows" "$EXACT_SUBSET" exhaustive "$WORK/drop-swift-exhaustive-$EXACT_SUBSET.txt"
run "$WORK/filterbench" "$rows" "$EXACT_SUBSET" minhash "$WORK/drop-swift-minhash-$EXACT_SUBSET.txt"
same "$WORK/drop-swift-exhaustive-$EXACT_SUBSET.txt" "$WORK/drop-swift-minhash-$EXACT_SUBSET.txt" "swift-exhaustive vs swift-minhash, $EXACT_SUBSET rows"

python3 bench/filter/summarize.py "$results" "$N"
