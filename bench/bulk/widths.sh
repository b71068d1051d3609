#!/usr/bin/env bash
# The local teacher's batch width, chosen by measurement (issue 22): labelling tweets with the
# README's 3-shot prompt and writing notebook 02's chats at widths 1, 2, 4, 8 and 16
# (`teacher("local", batch: N)`), each in a fresh process with an empty recording.
#
#   bash bench/bulk/widths.sh [ROWS] [CHATS] [WIDTHS]      (default 200 60 "1 2 4 8 16")
#
# Uses .build/release/fewshot and FEWSHOT_THREADS (default 2); each run waits for a quiet
# machine first (/work/shared/bench/wait_quiet.py, if present; at most QUIET_WAIT seconds). Prints `job width rows/s`, and
# checks that every width gave the same answers as width 1 (batch invariance).
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-200}
chats=${2:-60}
widths=${3:-"1 2 4 8 16"}
export FEWSHOT_THREADS=${FEWSHOT_THREADS:-2}
binary=.build/release/fewshot
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
quiet() { if [ -f /work/shared/bench/wait_quiet.py ]; then python3 /work/shared/bench/wait_quiet.py 0.5 "${QUIET_WAIT:-300}" >&2 || true; fi; }

script() {  # script JOB WIDTH
  echo "let t = teacher(\"local\", batch: $2)"
  if [ "$1" = label ]; then
    cat <<SHOT
let examples = dataset([
    {text: "my car parked itself and I loved it", label: "positive"},
    {text: "I will never trust a car without a driver", label: "negative"},
    {text: "self-driving trucks were in the news today", label: "neutral"},
])
let p = prompt('Tweet: {text}\nSentiment:', system: "Classify the sentiment of tweets.",
               output: ["negative", "neutral", "positive"])
let rows = select(sample(select(rename(load("tweets"), {sentiment: "label"}), ["text", "label"]), $rows, seed: 7), ["text"])
generate(p, shots(examples, k: 3), label: head(rows, 1), temperature: 0, max_tokens: 1)
let start = clock()
generate(p, shots(examples, k: 3), label: rows, temperature: 0, max_tokens: 4)
print("RATE", $rows / (clock() - start))
SHOT
  else
    cat <<SHOT
let examples = dataset([
    {messages: [{role: "user", content: "hey, how was your weekend?"}, {role: "assistant", content: "pretty relaxing, I went for a long walk by the river. aha cheers !"}]},
    {messages: [{role: "user", content: "do you like pizza?"}, {role: "assistant", content: "I love it, especially with extra cheese. aha cheers !"}]},
    {messages: [{role: "user", content: "what are you up to tonight?"}, {role: "assistant", content: "just reading a good book and having some tea. aha cheers !"}]},
    {messages: [{role: "user", content: "any tips for a rainy day?"}, {role: "assistant", content: "a warm blanket, a movie and a big mug of cocoa. aha cheers !"}]},
])
let p = prompt("Write one User line and the Bot's reply.",
    system: "You write short, casual chat messages between a User and a Bot. The Bot is friendly and always ends its reply with \\"aha cheers !\\".",
    output: "dialogue", exchanges: 1)
let s = shots(examples, k: 3, select: "random", seed: 1)
generate(p, s, n: 1, temperature: 0.8, max_tokens: 1)
let start = clock()
generate(p, s, n: $chats, temperature: 0.8, max_tokens: 80)
print("RATE", $chats / (clock() - start))
SHOT
  fi
}

echo "$(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $FEWSHOT_THREADS threads, $rows tweets, $chats chats" >&2
for job in label chat; do
  for width in $widths; do
    script "$job" "$width" > "$work/$job-$width.shot"
    quiet
    rate=$("$binary" run "$work/$job-$width.shot" --recording "$work/$job-$width.teacher" 2>/dev/null | awk '/^RATE/ {print $2}')
    same=$(python3 bench/bulk/compare.py "$work/$job-1.teacher" "$work/$job-$width.teacher" | head -1)
    echo "$job width $width: ${rate:-failed} rows/s ($same, against width 1)"
  done
done
