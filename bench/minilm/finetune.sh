#!/usr/bin/env bash
# MiniLM fine-tuning speed: finetune(d, model: "minilm") (the whole encoder trains, one epoch,
# batch 16) against the same model and recipe under PyTorch eager with AdamW
# (torch_finetune.py), on the same tweets, 2 threads by default, alternating A B A B.
# Goal (issue 21): fewshot at least 1.2x PyTorch's tokens/s.
#
#   bench/minilm/finetune.sh [N_ROWS] [THREADS] [REPS]      (defaults: 200 2 3)
#
# Needs the release binary and a Python with torch and transformers at $FEWSHOT_BENCH_VENV
# (default ~/.cache/fewshot-bench/venv). fewshot's tokens/s is the Trainer's own count
# (unpadded tokens) over the training time it prints; PyTorch's counts the same way. Each run
# first waits up to QUIET_WAIT seconds (default 300) for a quiet machine (wait_quiet.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-200}
THREADS=${2:-2}
REPS=${3:-3}
VENV="${FEWSHOT_BENCH_VENV:-$HOME/.cache/fewshot-bench/venv}"
HOME_DIR=${FEWSHOT_HOME:-$HOME/.cache/fewshot}
BIN="$(swift build -c release --show-bin-path)/fewshot"
[ -x "$BIN" ] || { echo "build the release binary first: swift build -c release --product fewshot" >&2; exit 1; }
. bench/lib.sh
quiet() { bench_quiet; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# N tweets drawn with seed 1 (the first ones are all negative), as fewshot reads them, for both sides.
cat >"$work/export.shot" <<SHOT
let rows = sample(select(rename(load("tweets"), {sentiment: "label"}), ["text", "label"]), $N, seed: 1)
save(rows, "$work/rows.csv")
SHOT
"$BIN" run "$work/export.shot" >/dev/null
"$VENV/bin/python" - "$work/rows.csv" "$work/rows.tsv" <<'PY'
import csv, sys
with open(sys.argv[1], encoding="utf-8", newline="") as f, open(sys.argv[2], "w", encoding="utf-8") as out:
    for r in csv.DictReader(f):
        out.write(r["label"] + "\t" + " ".join(r["text"].split()) + "\n")
PY
cat >"$work/train.shot" <<SHOT
let rows = load("$work/rows.csv")
let m = finetune(rows, model: "minilm", epochs: 1, batch: 16, val: 0, curve: false)
SHOT
# The training bar's last line ends with the Trainer's tokens/s.
fewshot_rate() {
  FEWSHOT_THREADS=$THREADS "$BIN" run "$work/train.shot" 2>&1 | sed -n 's/.* \([0-9][0-9]*\) tok\/s.*/\1/p' | tail -1
}
torch_rate() {
  "$VENV/bin/python" bench/minilm/torch_finetune.py --model "$HOME_DIR/models/all-MiniLM-L6-v2" \
    --texts "$work/rows.tsv" --threads "$THREADS" --batch 16 --reps 1 | sed -n 's/.*"tokens_per_s": \([0-9.]*\).*/\1/p'
}
a=() b=()
for _ in $(seq "$REPS"); do
  quiet; a+=("$(fewshot_rate)")
  quiet; b+=("$(torch_rate)")
  echo "rep: fewshot ${a[-1]} tok/s, pytorch ${b[-1]} tok/s (load $(cut -d' ' -f1 /proc/loadavg))" >&2
done
python3 - "${a[@]}" -- "${b[@]}" <<'PY'
import statistics, sys
args = sys.argv[1:]; cut = args.index("--")
f = statistics.median(float(x) for x in args[:cut]); t = statistics.median(float(x) for x in args[cut + 1:])
print(f'{{"fewshot_tokens_per_s": {f:.1f}, "pytorch_tokens_per_s": {t:.1f}, "ratio": {f / t:.3f}, "goal": 1.2}}')
PY
