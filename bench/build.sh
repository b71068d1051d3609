#!/usr/bin/env bash
# Builds the benchmark binaries (release) with SwiftPM and copies them into bench/.build
# (or $FEWSHOT_BENCH_OUT), where the bench scripts look for them:
#   bench/.build/fewshot-bench   (training / generation, bench/train/main.swift)
#   bench/.build/matmul-bench    (Tensor matmul vs raw cblas_sgemm, bench/tensor/matmul.swift)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${FEWSHOT_BENCH_OUT:-$ROOT/bench/.build}"
mkdir -p "$OUT"
cd "$ROOT"
swift build -c release --product fewshot-bench >&2
swift build -c release --product matmul-bench >&2
BIN="$(swift build -c release --show-bin-path)"
cp "$BIN/fewshot-bench" "$BIN/matmul-bench" "$OUT/"
echo "built $OUT/fewshot-bench and $OUT/matmul-bench"
