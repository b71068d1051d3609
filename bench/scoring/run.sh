#!/usr/bin/env bash
# Label scoring against label generation with the local teacher (issue 26's speed goal: scoring
# 3 labels at least 2x faster per row than generating a 4-token label).
#
#   bash bench/scoring/run.sh [ROWS] [REPS]      (default 100 rows, 3 repetitions)
#
# Each repetition runs both calls on the same ROWS tweets with the README's 3-shot prompt, in
# a fresh fewshot process with an empty recording (so every request is computed), alternating
# which goes first; prints rows/s of each and their ratio, medians over the repetitions. Uses
# .build/release/fewshot (swift build -c release --product fewshot) and FEWSHOT_THREADS (default 2).
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-100}
reps=${2:-3}
export FEWSHOT_THREADS=${FEWSHOT_THREADS:-2}
binary=.build/release/fewshot
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. bench/bulk/scripts.sh

cell() {  # cell MODE -> a script that times one call on $rows tweets
  local call
  if [ "$1" = score ]; then
    call='evaluate(t, test, prompt: p, shots: s, scoring: "likelihood")'
  else
    call='evaluate(t, test, prompt: p, shots: s, max_tokens: 4)'
  fi
  cat <<SHOT
let t = teacher()
$(sentiment_setup)
let s = shots(examples, k: 3)
let test = sample(select(rename(load("tweets"), {sentiment: "label"}), ["text", "label"]), $rows, seed: 7)
evaluate(t, head(test, 1), prompt: p, shots: s, max_tokens: 1)
let start = clock()
$call
print("RATE", $rows / (clock() - start))
SHOT
}

measure() {  # measure MODE REP -> rows/s
  cell "$1" > "$work/$1.shot"
  "$binary" run "$work/$1.shot" --recording "$work/$1-$2.teacher" 2>/dev/null | awk '/^RATE/ {print $2}'
}

score=() generate=()
for rep in $(seq 1 "$reps"); do
  if [ $((rep % 2)) -eq 1 ]; then
    score+=("$(measure score "$rep")"); generate+=("$(measure generate "$rep")")
  else
    generate+=("$(measure generate "$rep")"); score+=("$(measure score "$rep")")
  fi
done
python3 - "${score[*]}" "${generate[*]}" <<'PY'
import statistics, sys
score = [float(x) for x in sys.argv[1].split()]
gen = [float(x) for x in sys.argv[2].split()]
s, g = statistics.median(score), statistics.median(gen)
print(f"scoring 3 labels: {s:.2f} rows/s (runs {score})")
print(f"generating <= 4 tokens: {g:.2f} rows/s (runs {gen})")
print(f"scoring / generating: {s / g:.2f}x")
PY
