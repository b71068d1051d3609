#!/usr/bin/env bash
# Regenerates the PyTorch reference fixtures under Tests/LearnTests/Fixtures.
# Needs Python 3; creates (or reuses) a venv with torch==2.13.0 (CPU) and numpy at
# $FEWSHOT_BENCH_VENV (default ~/.cache/fewshot-bench/venv). swift test never needs Python.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV="${FEWSHOT_BENCH_VENV:-$HOME/.cache/fewshot-bench/venv}"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet torch==2.13.0 numpy
fi
"$VENV/bin/python" scripts/reference/gpt_parity.py Tests/LearnTests/Fixtures/gpt_parity.safetensors
