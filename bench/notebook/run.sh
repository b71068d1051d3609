#!/usr/bin/env bash
# Times the .fsnb format: encode, parse, atomic save (with fsync) and load of a 10 MB
# notebook and of a 100-cell notebook, medians of RUNS runs (default 9), release build.
#
#   bash bench/notebook/run.sh [RUNS]
#
# Prints a Markdown table; bench/notebook/README.md keeps the figures of the last run.
set -euo pipefail
cd "$(dirname "$0")/../.."
log=$(mktemp)
if ! swift build -c release --product NotebookHarness >"$log" 2>&1; then cat "$log" >&2; rm -f "$log"; exit 1; fi
rm -f "$log"
.build/release/NotebookHarness bench "${1:-9}"
