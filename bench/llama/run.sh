#!/usr/bin/env bash
# Side-by-side benchmarks of fewshot's GGUF inference and BPE tokenizer on this machine:
#   1. SmolLM2-135M-Instruct Q4_1: prompt processing (pp) and generation (tg) tokens/s, fewshot
#      (8-bit and Float activations) vs transformers (f32) vs llama.cpp's llama-bench, same thread
#      count, alternately ROUNDS times;
#   2. GPT-2 BPE encoding MB/s, fewshot vs tiktoken, on the tweets corpus.
# Each run waits for a quiet machine first (bench_quiet in bench/lib.sh) and logs the load.
# Prerequisites: scripts/setup (model, tweets), scripts/fetch-test-vectors (gpt2.tiktoken),
# llama-bench built per ../shared/bench/README.md, the bench venv with tiktoken.
set -euo pipefail
cd "$(dirname "$0")/../.."

THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-3}
PP=${PP:-128}
TG=${TG:-64}
HOME_DIR=${FEWSHOT_HOME:-$HOME/.cache/fewshot}
MODEL=${MODEL:-$HOME_DIR/models/SmolLM2-135M-Instruct.Q4_1.gguf}
RANKS=${RANKS:-$HOME_DIR/test-vectors/gpt2.tiktoken}
TEXT=${TEXT:-$(ls "$HOME_DIR"/data/tweets*.csv 2>/dev/null | head -1)}
LLAMA_BENCH=${LLAMA_BENCH:-$HOME/.cache/fewshot-bench/llama_cpp_python-0.3.36/vendor/llama.cpp/build/bin/llama-bench}
PYTHON=${PYTHON:-$HOME/.cache/fewshot-bench/venv/bin/python}
. bench/lib.sh
QUIET="bench_quiet 0.3 120"

swift build -c release --product fewshot-llama-bench >/dev/null
BIN=.build/release/fewshot-llama-bench

for round in $(seq "$ROUNDS"); do
  $QUIET
  "$BIN" model "$MODEL" "$THREADS" "$PP" "$TG" int8
  $QUIET
  "$BIN" model "$MODEL" "$THREADS" "$PP" "$TG" float
  $QUIET
  "$PYTHON" bench/llama/transformers_generate.py "$THREADS" "$PP" "$TG" 2>/dev/null
  if [ -x "$LLAMA_BENCH" ]; then
    $QUIET
    "$LLAMA_BENCH" -m "$MODEL" -t "$THREADS" -p "$PP" -n "$TG" -r 1 -o jsonl 2>/dev/null \
      | python3 -c 'import json,sys
for l in sys.stdin:
    r = json.loads(l); kind = "pp" if r["n_prompt"] else "tg"
    print(json.dumps({"bench": "llama.cpp", "threads": r["n_threads"], kind + "_tok_s": r["avg_ts"]}))'
  fi
done

# The tweets file is not valid UTF-8 throughout: read it as Latin-1, write a UTF-8 corpus.
CORPUS=$(mktemp --suffix=.txt)
trap 'rm -f "$CORPUS"' EXIT
python3 -c 'import sys; open(sys.argv[2], "w", encoding="utf-8").write(open(sys.argv[1], encoding="latin-1").read())' \
  "$TEXT" "$CORPUS"
for round in $(seq "$ROUNDS"); do
  $QUIET
  "$BIN" bpe "$RANKS" "$CORPUS" 3
  $QUIET
  "$PYTHON" bench/llama/tiktoken_encode.py "$RANKS" "$CORPUS" 3
done
