# The bulk benchmarks' jobs as fewshot scripts (sourced by run.sh and widths.sh): each prints a
# line `RATE rows/s seconds` for its timed call, and saves the answers to ANSWERS when given.
# The script's first line, the teacher, is the caller's.

# sentiment_setup: the README's three labelled tweets (`examples`) and 3-shot sentiment prompt
# (`p`), for the scripts here and bench/scoring.
sentiment_setup() {
  cat <<'SHOT'
let examples = dataset([
    {text: "my car parked itself and I loved it", label: "positive"},
    {text: "I will never trust a car without a driver", label: "negative"},
    {text: "self-driving trucks were in the news today", label: "neutral"},
])
let p = prompt('Tweet: {text}\nSentiment:', system: "Classify the sentiment of tweets.",
               output: ["negative", "neutral", "positive"])
SHOT
}

# timed ROWS CALL [ANSWERS]: runs CALL once, timed, prints `RATE rows/s seconds` for ROWS rows,
# and saves its answers to ANSWERS when given.
timed() {
  echo 'let start = clock()'
  echo "let out = $2"
  echo "print(\"RATE\", $1 / (clock() - start), clock() - start)"
  if [ -n "${3:-}" ]; then echo "save(out, \"$3\")"; fi
}

# label_script ROWS [ANSWERS]: labels ROWS tweets with the README's 3-shot prompt, greedy, 4
# tokens at most (after one untimed row, so that the shared prompt is cached).
label_script() {
  cat <<SHOT
$(sentiment_setup)
let rows = select(sample(select(rename(load("tweets"), {sentiment: "label"}), ["text", "label"]), $1, seed: 7), ["text"])
generate(p, shots(examples, k: 3), label: head(rows, 1), temperature: 0, max_tokens: 1)
SHOT
  timed "$1" 'generate(p, shots(examples, k: 3), label: rows, temperature: 0, max_tokens: 4)' "${2:-}"
}

# chat_script CHATS [ANSWERS]: writes CHATS of notebook 02's chats (temperature 0.8, 80 tokens
# at most, one shared 3-shot prompt).
chat_script() {
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
SHOT
  timed "$1" "generate(p, s, n: $1, temperature: 0.8, max_tokens: 80)" "${2:-}"
}

# single_script: one request at a time: seconds to the first token of a cold 3-shot prompt,
# then decode tokens/s (`RATE tokens/s first-token-seconds`).
single_script() {
  cat <<SHOT
$(sentiment_setup)
let q = prompt('Write a long story about {text}.', system: "You are a storyteller.")
generate(q, label: dataset([{text: "a dog"}]), temperature: 0, max_tokens: 1)
let start = clock()
generate(p, shots(examples, k: 3), label: dataset([{text: "robot taxis are the future, I think"}]), temperature: 0, max_tokens: 1)
let ttft = clock() - start
let before = usage().completion_tokens
let again = clock()
generate(q, label: dataset([{text: "a cat who learns to fly a plane"}]), temperature: 0, max_tokens: 64)
print("RATE", (usage().completion_tokens - before) / (clock() - again), ttft)
SHOT
}
