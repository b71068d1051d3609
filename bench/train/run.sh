#!/usr/bin/env bash
# Side-by-side benchmark: fewshot vs PyTorch eager (../shared/bench/torch_gpt.py) on the same
# nanoGPT configs, same thread count, alternating runs (torch, fewshot, torch, ...), medians.
#
#   bench/train/run.sh [--threads 2] [--reps 3] [--configs "tiny small"] [--gpt2] [--no-build]
#                      [--steps N]   (timed training steps for both, after 2 warm-up steps)
#
# Without --steps, tiny trains 200 timed steps (torch_gpt.py's default is 50, under 2 s for
# fewshot): the host drifts between speed regimes for seconds at a time, and a longer run
# averages over them instead of landing in one. small and gpt2 keep torch_gpt.py's defaults.
#
# Environment: FEWSHOT_SHARED (default: ../shared from the repository root) locates torch_gpt.py
# and wait_quiet.py; FEWSHOT_BENCH_VENV (default ~/.cache/fewshot-bench/venv) the torch venv,
# created with torch==2.13.0 (CPU) when missing. Before each run it waits up to QUIET_WAIT s
# (default 20) for other processes to use under QUIET CPUs (default 0.3) and logs the load seen. Results (JSON lines) go to bench/train/results/.
set -euo pipefail
NO_BUILD=""
STEP_ARGS=()
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SHARED="${FEWSHOT_SHARED:-$ROOT/../shared}"
VENV="${FEWSHOT_BENCH_VENV:-$HOME/.cache/fewshot-bench/venv}"
THREADS=2 REPS=3 CONFIGS="tiny small" QUIET="${QUIET:-0.3}" QUIET_WAIT="${QUIET_WAIT:-20}"
while [ $# -gt 0 ]; do
    case "$1" in
        --threads) THREADS="$2"; shift 2 ;;
        --reps) REPS="$2"; shift 2 ;;
        --configs) CONFIGS="$2"; shift 2 ;;
        --gpt2) CONFIGS="$CONFIGS gpt2"; shift ;;
        --no-build) NO_BUILD=1; shift ;;
        --steps) STEP_ARGS=(--steps "$2" --warmup 2); shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -f "$SHARED/bench/torch_gpt.py" ] || { echo "torch_gpt.py not found under $SHARED/bench (set FEWSHOT_SHARED)" >&2; exit 1; }
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet torch==2.13.0 numpy
fi
[ -n "${NO_BUILD:-}" ] || bash "$ROOT/bench/build.sh" >/dev/null
mkdir -p "$ROOT/bench/train/results"
OUT="$ROOT/bench/train/results/$(date -u +%Y%m%dT%H%M%SZ).jsonl"
quiet() { "$VENV/bin/python" "$SHARED/bench/wait_quiet.py" "$QUIET" "$QUIET_WAIT" 2 2>&1 | sed 's/^/  /' >&2; }
for cfg in $CONFIGS; do
    modes="train gen"
    for mode in $modes; do
        extra=()
        if [ "$mode" = train ]; then
            extra=("${STEP_ARGS[@]}")
            [ ${#extra[@]} -eq 0 ] && [ "$cfg" = tiny ] && extra=(--steps 200 --warmup 5)
        fi
        for rep in $(seq "$REPS"); do
            echo "[$cfg $mode rep $rep]" >&2
            quiet
            python3 "$ROOT/bench/train/peak_rss.py" torch \
                "$VENV/bin/python" "$SHARED/bench/torch_gpt.py" --config "$cfg" --mode "$mode" --threads "$THREADS" "${extra[@]}" >>"$OUT"
            quiet
            "$ROOT/bench/.build/fewshot-bench" --config "$cfg" --mode "$mode" --threads "$THREADS" "${extra[@]}" >>"$OUT"
        done
    done
done
echo "[matmul 512]" >&2
for rep in $(seq "$REPS"); do
    quiet
    "$ROOT/bench/.build/matmul-bench" --size 512 --threads "$THREADS" >>"$OUT"
done
python3 "$ROOT/bench/train/summarize.py" "$OUT"
