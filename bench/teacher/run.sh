#!/usr/bin/env bash
# Teacher client benchmark: 1,000 chat requests with 64 in flight against the local fixture
# server (instant answers), fewshot's HTTPTeacher (libcurl multi) side by side with the Python
# `openai` package's AsyncOpenAI, run alternately ROUNDS times; prints each run and the medians.
#
# Usage: bench/teacher/run.sh [ROUNDS] [REQUESTS] [CONCURRENCY]     (defaults 5 1000 64)
# Needs: a release build (done here) and a venv with `openai` (created here, in
# ~/.cache/fewshot-bench/venv-openai). Client CPU is getrusage of the client process only.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-5}
REQUESTS=${2:-1000}
CONCURRENCY=${3:-64}
VENV=${FEWSHOT_OPENAI_VENV:-$HOME/.cache/fewshot-bench/venv-openai}

swift build -c release --product teacher-bench >/dev/null
swift build -c release --product teacher-fixture-server >/dev/null
BIN=$(swift build -c release --show-bin-path)
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q openai
fi

PORTFILE=$(mktemp)
"$BIN/teacher-fixture-server" >"$PORTFILE" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -f "$PORTFILE"' EXIT
for _ in $(seq 50); do grep -q PORT "$PORTFILE" && break; sleep 0.1; done
PORT=$(awk '/PORT/ {print $2}' "$PORTFILE")
URL="http://127.0.0.1:$PORT/v1"
echo "fixture server on $URL; $REQUESTS requests, $CONCURRENCY in flight, $ROUNDS rounds" >&2
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

RESULTS=$(mktemp)
for round in $(seq "$ROUNDS"); do
    "$BIN/teacher-bench" --base-url "$URL" --requests "$REQUESTS" --concurrency "$CONCURRENCY" | tee -a "$RESULTS"
    "$VENV/bin/python" bench/teacher/openai_bench.py --base-url "$URL" --requests "$REQUESTS" \
        --concurrency "$CONCURRENCY" | tee -a "$RESULTS"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

python3 - "$RESULTS" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
by = {}
for run in runs:
    by.setdefault(run["client"], []).append(run)
print("\nmedians over %d rounds:" % max(len(v) for v in by.values()))
med = {}
for client, rs in by.items():
    rps = statistics.median(r["requests_per_s"] for r in rs)
    cpu = statistics.median(r["cpu_ms_per_request"] for r in rs)
    fails = sum(r["failures"] for r in rs)
    med[client] = (rps, cpu)
    print(f"  {client:40s} {rps:9.0f} requests/s  {cpu:6.3f} client CPU ms/request  ({fails} failures)")
ours = med.get("fewshot HTTPTeacher (libcurl multi)")
theirs = med.get("python openai AsyncOpenAI")
if ours and theirs:
    print(f"  ratio: {ours[0] / theirs[0]:.1f}x requests/s, {theirs[1] / ours[1]:.1f}x less client CPU per request")
PY
rm -f "$RESULTS"
