#!/usr/bin/env bash
# fewshot's GEMM against OpenBLAS, side by side in one run: square sizes 256, 512 and 1024,
# for OpenBLAS's own choice of kernel and for the kernel this CPU should get (Haswell on
# AVX2-only CPUs, SkylakeX with AVX-512), and for fewshot's AVX2 and portable paths.
#
#   bench/tensor/run.sh [--threads 2] [--reps 30] [--no-build]
#
# Each run waits for a quiet machine first (bench_quiet in bench/lib.sh). One JSON line per
# run goes to stdout and to bench/tensor/results/.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
. "$ROOT/bench/lib.sh"
THREADS=2 REPS=30 NO_BUILD=""
while [ $# -gt 0 ]; do
    case "$1" in
        --threads) THREADS="$2"; shift 2 ;;
        --reps) REPS="$2"; shift 2 ;;
        --no-build) NO_BUILD=1; shift ;;
        *) echo "unknown flag $1" >&2; exit 64 ;;
    esac
done
[ -z "$NO_BUILD" ] && bash "$ROOT/bench/build.sh" >&2
BENCH="${FEWSHOT_BENCH_OUT:-$ROOT/bench/.build}/matmul-bench"
if grep -q avx512f /proc/cpuinfo; then BEST_CORE=SkylakeX; else BEST_CORE=Haswell; fi
mkdir -p "$ROOT/bench/tensor/results"
LOG="$ROOT/bench/tensor/results/$(date -u +%Y%m%dT%H%M%S).jsonl"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs); log: $LOG" >&2
for size in 256 512 1024; do
    for kernels in avx2 portable; do
        for core in "" "$BEST_CORE"; do
            [ "$kernels" = portable ] && [ -n "$core" ] && continue
            bench_quiet 0.3 20
            env ${core:+OPENBLAS_CORETYPE=$core} FEWSHOT_KERNELS=$kernels \
                "$BENCH" --size "$size" --threads "$THREADS" --reps "$REPS" | tee -a "$LOG"
        done
    done
done
