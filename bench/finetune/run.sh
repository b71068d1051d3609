#!/usr/bin/env bash
# How much the `finetune` built-in costs on top of the raw Trainer: the same 200 synthetic
# dialogues, gpt-tiny, 3 epochs, batch 16, 10% validation, trained (a) by fewshot-bench
# `--mode finetune` (Trainer directly) and (b) by `finetune(...)` in the fewshot binary,
# alternating, medians. Goal: the built-in loses at most 10% of the raw tokens/s.
#
#   bench/finetune/run.sh [REPS]      (default 3; needs bench/build.sh and a release build)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
REPS="${1:-3}"
FEWSHOT="${FEWSHOT:-$ROOT/.build/release/fewshot}"
[ -x "$ROOT/bench/.build/fewshot-bench" ] || bash "$ROOT/bench/build.sh" >/dev/null
[ -x "$FEWSHOT" ] || (cd "$ROOT" && swift build -c release --product fewshot >&2)
. "$ROOT/bench/lib.sh"
quiet() { bench_quiet 0.3 20; }
raw=() builtin=()
for _ in $(seq "$REPS"); do
    quiet
    raw+=("$("$ROOT/bench/.build/fewshot-bench" --config gpt-tiny --mode finetune --epochs 3 --threads 2)")
    quiet
    # The wall time of the built-in call, from the script's own JSON line.
    builtin+=("$(FEWSHOT_THREADS=2 "$FEWSHOT" run "$ROOT/bench/finetune/dialogues.shot" | tail -1)")
done
python3 - "${raw[@]}" -- "${builtin[@]}" <<'PY'
import json, statistics, sys
args = sys.argv[1:]
cut = args.index("--")
raw = [json.loads(x) for x in args[:cut]]
built = [json.loads(x) for x in args[cut + 1:]]
raw_s = statistics.median(r["seconds"] for r in raw)
raw_tok = statistics.median(r["tok_per_s"] for r in raw)
tokens = raw_tok * raw_s
built_s = statistics.median(b["builtin_wall_s"] for b in built)
print(f"raw Trainer:        {raw_s:6.2f} s  ({raw_tok:,.0f} tok/s, {raw[0]['dialogues']} dialogues x {raw[0]['epochs']} epochs)")
print(f"finetune built-in:  {built_s:6.2f} s  (whole call: conversion, progress bar, loss curve)")
print(f"built-in / raw time: {built_s / raw_s:.3f}  (goal <= 1.10)")
PY
