#!/usr/bin/env bash
# Bulk work on the local teacher (issue 22): labelling tweets with the README's 3-shot prompt
# (greedy, 4 tokens at most) and writing notebook 02's chats (its cells: temperature 0.8, 80
# tokens at most), against an
# older fewshot binary and llama-server on the same model file, alternating the programs.
#
#   bash bench/bulk/run.sh [ROWS] [CHATS] [ROUNDS]      (default 1000 200 1)
#
# env: NEW (default .build/release/fewshot), OLD (a binary to compare, e.g. main's; skipped if
# unset), LLAMA_SERVER (llama-server binary; skipped if unset), FEWSHOT_THREADS (default 2),
# JOBS (default "label chat single"). Each timed run waits for a quiet machine first
# (bench_quiet in bench/lib.sh) and prints the load it saw. Prints one line per
# run: `program job rows/s seconds peak-RSS-MB` (job single: decode tokens/s at batch 1, and the
# seconds to the first token of a cold 3-shot prompt) and writes each run's answers to $OUTDIR
# (default: a temporary folder) so that runs can be compared (same answers?).
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-1000}
chats=${2:-200}
rounds=${3:-1}
export FEWSHOT_THREADS=${FEWSHOT_THREADS:-2}
NEW=${NEW:-.build/release/fewshot}
OLD=${OLD:-}
LLAMA_SERVER=${LLAMA_SERVER:-}
JOBS=${JOBS:-"label chat single"}
MODEL=${FEWSHOT_HOME:-$HOME/.cache/fewshot}/models/SmolLM2-135M-Instruct.Q4_1.gguf
OUTDIR=${OUTDIR:-$(mktemp -d)}
. bench/lib.sh
. bench/bulk/scripts.sh

teacher_line() {  # teacher_line PROGRAM -> the teacher(...) call of the script
  case "$1" in
    server) echo 'let t = teacher("smollm2", base_url: "http://127.0.0.1:8731/v1", max_concurrency: 8)' ;;
    *) echo 'let t = teacher()' ;;
  esac
}

script() {  # script PROGRAM JOB -> a .shot file that times one call and saves its answers
  teacher_line "$1"
  case "$2" in
    single) single_script ;;
    label) label_script "$rows" "$OUTDIR/ANSWERS.csv" ;;
    *) chat_script "$chats" "$OUTDIR/ANSWERS.csv" ;;
  esac
}

run() {  # run PROGRAM JOB ROUND
  local program=$1 job=$2 round=$3 binary=$NEW
  [ "$program" = old ] && binary=$OLD
  script "$program" "$job" | sed "s|ANSWERS|$program-$job-$round|" > "$OUTDIR/$program-$job.shot"
  rm -f "$OUTDIR/$program-$job-$round.teacher"  # every answer is computed, none replayed
  bench_quiet
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  local out
  out=$(OPENAI_API_KEY=none /usr/bin/time -f "RSS %M" "$binary" run "$OUTDIR/$program-$job.shot" \
    --recording "$OUTDIR/$program-$job-$round.teacher" --allow-teacher-url http://127.0.0.1:8731/v1 2>&1 || true)
  local rate seconds rss
  rate=$(echo "$out" | awk '/^RATE/ {print $2}')
  seconds=$(echo "$out" | awk '/^RATE/ {print $3}')
  rss=$(echo "$out" | awk '/^RSS/ {print int($2 / 1024)}')
  if [ -z "$rate" ]; then echo "$out" | tail -5 >&2; fi
  echo "$program $job ${rate:-failed} rows/s ${seconds:-?} s ${rss:-?} MB (load before $load)"
}

server_pid=
if [ -n "$LLAMA_SERVER" ]; then
  # Four slots (continuous batching, each keeps its prompt cache), 1024 positions per slot.
  LD_LIBRARY_PATH="$(dirname "$LLAMA_SERVER")" "$LLAMA_SERVER" -m "$MODEL" -t "$FEWSHOT_THREADS" --parallel 4 -c 4096 --cont-batching --port 8731 \
    --log-disable > "$OUTDIR/server.log" 2>&1 &
  server_pid=$!
  trap '[ -n "$server_pid" ] && kill $server_pid 2>/dev/null' EXIT
  for _ in $(seq 100); do curl -sf http://127.0.0.1:8731/health > /dev/null && break; sleep 0.2; done
fi

echo "answers and scripts in $OUTDIR; $(bench_cpu), $FEWSHOT_THREADS threads" >&2
for round in $(seq "$rounds"); do
  for job in $JOBS; do
    run new "$job" "$round"
    [ -n "$OLD" ] && run old "$job" "$round"
    [ -n "$LLAMA_SERVER" ] && run server "$job" "$round"
  done
done
