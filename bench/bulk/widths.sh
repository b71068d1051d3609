#!/usr/bin/env bash
# The local teacher's batch width, chosen by measurement (issue 22): labelling tweets with the
# README's 3-shot prompt and writing notebook 02's chats at widths 1, 2, 4, 8 and 16
# (`teacher("local", batch: N)`), each in a fresh process with an empty recording.
#
#   bash bench/bulk/widths.sh [ROWS] [CHATS] [WIDTHS]      (default 200 60 "1 2 4 8 16")
#
# Uses .build/release/fewshot and FEWSHOT_THREADS (default 2); each run waits for a quiet
# machine first (bench_quiet in bench/lib.sh; at most QUIET_WAIT seconds). Prints `job width
# rows/s`, and checks that every run gave the same answers as the first (batch invariance).
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-200}
chats=${2:-60}
widths=${3:-"1 2 4 8 16"}
export FEWSHOT_THREADS=${FEWSHOT_THREADS:-2}
binary=.build/release/fewshot
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. bench/lib.sh
. bench/bulk/scripts.sh

script() {  # script JOB WIDTH
  echo "let t = teacher(\"local\", batch: $2)"
  if [ "$1" = label ]; then label_script "$rows"; else chat_script "$chats"; fi
}

echo "$(bench_cpu), $FEWSHOT_THREADS threads, $rows tweets, $chats chats" >&2
for job in label chat; do
  run=0
  for width in $widths; do  # a width may repeat (A B A B); each run gets its own files
    run=$((run + 1))
    script "$job" "$width" > "$work/$job-$run.shot"
    bench_quiet
    rate=$("$binary" run "$work/$job-$run.shot" --recording "$work/$job-$run.teacher" 2>/dev/null | awk '/^RATE/ {print $2}')
    same=$(python3 bench/bulk/compare.py "$work/$job-1.teacher" "$work/$job-$run.teacher" | head -1)
    echo "$job width $width: ${rate:-failed} rows/s ($same, against the first run)"
  done
done
