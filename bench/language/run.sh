#!/usr/bin/env bash
# Runs the same programs in fewshot and python3 side by side: recursive fib(27), a 1M-iteration
# arithmetic loop, 100k records built, filtered and sorted with closures, and string
# interpolation in a loop. Runs alternate (fewshot, python, fewshot, ...) so machine load hits
# both alike; the table shows medians and the ratio fewshot/python (goal: <= 1.0).
#
# Usage: bench/language/run.sh [RUNS]   (default 5; builds fewshot in release first)
# Set FEWSHOT=path/to/fewshot to use an existing binary.
set -euo pipefail
cd "$(dirname "$0")"
runs="${1:-5}"
root="$(cd ../.. && pwd)"
if [[ -z "${FEWSHOT:-}" ]]; then
    (cd "$root" && swift build -c release --product fewshot >&2)
    FEWSHOT="$root/.build/release/fewshot"
fi
command -v python3 >/dev/null || { echo "python3 is needed for the comparison" >&2; exit 1; }

# Seconds (wall clock) of one run of a command; its output must match the expected text.
time_one() {
    local expected="$1"; shift
    local start end out
    start=$(date +%s.%N)
    out="$("$@")"
    end=$(date +%s.%N)
    if [[ "$out" != "$expected" ]]; then
        echo "unexpected output from $*: $out (expected $expected)" >&2
        exit 1
    fi
    echo "$end - $start" | bc -l
}

median() { sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }

printf '%-10s %12s %12s %8s\n' program "fewshot (s)" "python3 (s)" ratio
for prog in fib loop records strings; do
    expected="$(python3 "$prog.py")"
    fs=() py=()
    for _ in $(seq "$runs"); do
        fs+=("$(time_one "$expected" "$FEWSHOT" run "$prog.shot")")
        py+=("$(time_one "$expected" python3 "$prog.py")")
    done
    f=$(printf '%s\n' "${fs[@]}" | median)
    p=$(printf '%s\n' "${py[@]}" | median)
    printf '%-10s %12s %12s %8.2f\n' "$prog" "$f" "$p" "$(echo "$f / $p" | bc -l)"
done

# Start-up: evaluate `nil` (prelude loaded, nothing printed).
st=()
for _ in $(seq "$runs"); do st+=("$(time_one "" "$FEWSHOT" -e nil)"); done
printf 'start-up (fewshot -e nil): %s s median\n' "$(printf '%s\n' "${st[@]}" | median)"
