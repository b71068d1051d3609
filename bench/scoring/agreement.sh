#!/usr/bin/env bash
# Label ranking through a server against the local teacher (issue 26: the HTTP path must give
# the same label ranking as the local path on at least 95% of 200 rows).
#
#   bash bench/scoring/agreement.sh [ROWS]       (default 200)
#
# Starts llama-server (built as ../shared/bench/README.md shows; LLAMA_SERVER overrides its
# path) on the same SmolLM2 GGUF the local teacher runs, then scores the same tweets with the
# README's 3-shot prompt and three labels both ways: exactly in-process, and from the server's
# first-token top_logprobs. Prints how many rows rank all three labels in the same order, and
# how many pick the same top label. Uses .build/release/fewshot.
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-200}
server_bin=${LLAMA_SERVER:-$HOME/.cache/fewshot-bench/llama_cpp_python-0.3.36/vendor/llama.cpp/build/bin/llama-server}
model=${FEWSHOT_TEACHER_MODEL:-${FEWSHOT_HOME:-$HOME/.cache/fewshot}/models/SmolLM2-135M-Instruct.Q4_1.gguf}
port=${LLAMA_PORT:-18081}
binary=.build/release/fewshot
work=$(mktemp -d)
"$server_bin" -m "$model" --host 127.0.0.1 --port "$port" -c 4096 --parallel 4 >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 240); do
  if curl -sf "http://127.0.0.1:$port/health" >/dev/null; then break; fi
  if ! kill -0 $server 2>/dev/null; then echo "llama-server exited:"; tail -20 "$work/server.log"; exit 1; fi
  sleep 0.5
done

cat >"$work/agreement.shot" <<SHOT
let tweets = select(rename(load("tweets"), {sentiment: "label"}), ["text", "label"])
let rows = select(sample(tweets, $rows, seed: 26), ["text"])
let examples = dataset([
    {text: "my car parked itself and I loved it", label: "positive"},
    {text: "I will never trust a car without a driver", label: "negative"},
    {text: "self-driving trucks were in the news today", label: "neutral"},
])
let labels = ["negative", "neutral", "positive"]
let p = prompt('Tweet: {text}\nSentiment:', system: "Classify the sentiment of tweets.", output: labels)
let s = shots(examples, k: 3)
let server = teacher("smollm2", base_url: "http://127.0.0.1:$port/v1")
let here = generate(p, s, label: rows, scoring: "likelihood")
let there = generate(p, s, label: rows, scoring: "likelihood", teacher: server)
fn ranking(r) => sort(labels, key: fn(l) => get(r.probs, l), reverse: true)
let pairs = zip(here.rows, there.rows)
let same = count(pairs, fn(pair) => ranking(pair[0]) == ranking(pair[1]))
let top = count(pairs, fn(pair) => pair[0].label == pair[1].label)
print("AGREEMENT rows {len(pairs)} same-ranking {same} ({round(same / len(pairs), 3)}) same-top-label {top} ({round(top / len(pairs), 3)})")
SHOT
FEWSHOT_THREADS=${FEWSHOT_THREADS:-2} "$binary" run "$work/agreement.shot" --recording "$work/agreement.teacher" \
  --allow-teacher-url "http://127.0.0.1:$port/v1" 2>&1 \
  | grep -E "AGREEMENT|note:|error" || true
