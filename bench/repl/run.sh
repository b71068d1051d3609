#!/usr/bin/env bash
# Times the REPL's start-up to a ready prompt, with a 1,000-line history loaded: the release
# `fewshot` spawned on a pseudo-terminal (the tests' PseudoTerminal driver) until
# "fewshot [1]> " shows, RUNS runs (default 20), each after waiting for a quiet machine.
# Prints every run and the median, min and max in milliseconds. The issue's target: < 50 ms.
#
#   bash bench/repl/run.sh [RUNS] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-20}"
. bench/lib.sh
[[ -f "$BENCH_SHARED/bench/wait_quiet.py" ]] || { echo "no $BENCH_SHARED/bench/wait_quiet.py: set FEWSHOT_SHARED" >&2; exit 1; }
OUT="${FEWSHOT_BENCH_OUT:-bench/.build}"
mkdir -p "$OUT"
if [[ "${2:-}" != "--no-build" ]]; then
    log=$(mktemp)
    if ! swift build -c release --product fewshot >"$log" 2>&1; then cat "$log" >&2; rm -f "$log"; exit 1; fi
    rm -f "$log"
    swiftc -O -swift-version 5 -o "$OUT/repl-startup-bench" bench/repl/main.swift Tests/EndToEndTests/PseudoTerminal.swift
fi
times=()
for ((i = 0; i < RUNS; i++)); do
    bench_quiet 0.3 20
    times+=("$("$OUT/repl-startup-bench" .build/release/fewshot 1 1000)")
done
echo "runs (ms): ${times[*]}"
printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "start-up to prompt, 1000-line history: median %.1f ms (min %.1f, max %.1f, %d runs)\n", m, v[1], v[NR], NR }'
