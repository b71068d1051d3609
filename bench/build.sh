#!/usr/bin/env bash
# Builds the benchmark binaries (optimised) into bench/.build from this repository's Tensor and
# Learn sources, without SwiftPM, so benchmarks need no change to Package.swift:
#   bench/.build/fewshot-bench   (training / generation, bench/train/main.swift)
#   bench/.build/matmul-bench    (Tensor matmul vs raw cblas_sgemm, bench/tensor/matmul.swift)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${FEWSHOT_BENCH_OUT:-$ROOT/bench/.build}"
mkdir -p "$OUT"
cd "$ROOT"
FLAGS=(-O -wmo -swift-version 5 -I "$ROOT/Sources/CBLAS" -I "$OUT")
TENSOR_SRC=(Sources/Tensor/*.swift Sources/Tensor/Ops/*.swift)
# Only the Learn folders the student model needs (GGUF, BPE and Llama code is not involved).
LEARN_SRC=(Sources/Learn/LearnError.swift Sources/Learn/Layers/*.swift Sources/Learn/Models/*.swift
           Sources/Learn/Optim/*.swift Sources/Learn/Training/*.swift Sources/Learn/Checkpoint/*.swift
           Sources/Learn/Tokenizers/ByteTokenizer.swift)
swiftc "${FLAGS[@]}" -parse-as-library -module-name Tensor -emit-module -emit-module-path "$OUT/Tensor.swiftmodule" \
    -emit-library -static -o "$OUT/libTensor.a" "${TENSOR_SRC[@]}"
swiftc "${FLAGS[@]}" -parse-as-library -module-name Learn -emit-module -emit-module-path "$OUT/Learn.swiftmodule" \
    -emit-library -static -o "$OUT/libLearn.a" "${LEARN_SRC[@]}"
swiftc "${FLAGS[@]}" -o "$OUT/fewshot-bench" bench/train/main.swift -L "$OUT" -lLearn -lTensor -lopenblas
swiftc "${FLAGS[@]}" -o "$OUT/matmul-bench" bench/tensor/matmul.swift -L "$OUT" -lTensor -lopenblas
echo "built $OUT/fewshot-bench and $OUT/matmul-bench"
