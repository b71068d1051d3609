# What the benchmark scripts share; sourced (`. "$(dirname "$0")/../lib.sh"`), not run.
#
# The shared folder (FEWSHOT_SHARED, else `shared` beside the checkout or beside a worktree's
# parent) holds wait_quiet.py and the reference scripts; benchmarks run only where it exists.

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_SHARED="${FEWSHOT_SHARED:-$( [ -d "$BENCH_ROOT/../shared" ] && echo "$BENCH_ROOT/../shared" || echo "$BENCH_ROOT/../../shared")}"

# bench_quiet [LOAD] [MAX_WAIT] [WINDOW]: waits until other processes use under LOAD CPUs
# (default 0.5) over WINDOW seconds (default 2), or MAX_WAIT seconds pass (default QUIET_WAIT,
# else 300), and prints the load it saw to stderr. Does nothing without wait_quiet.py.
bench_quiet() {
  local script="$BENCH_SHARED/bench/wait_quiet.py"
  [ -f "$script" ] || return 0
  python3 "$script" "${1:-0.5}" "${2:-${QUIET_WAIT:-300}}" "${3:-2}" >&2 || true
}

# bench_cpu: the CPU's model name, for the line that says where figures were taken.
bench_cpu() { lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'; }
