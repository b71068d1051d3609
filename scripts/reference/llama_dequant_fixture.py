#!/usr/bin/env python3
"""Writes Tests/LearnTests/Fixtures/llama/dequant.json: random ggml blocks of every type the
Swift reader decodes, with the values the `gguf` Python package (llama.cpp's own) decodes them to.

Run in the bench venv: ~/.cache/fewshot-bench/venv/bin/python scripts/reference/llama_dequant_fixture.py
"""
import json
import pathlib

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf.quants import dequantize

rng = np.random.default_rng(7)
TYPES = {"f16": T.F16, "bf16": T.BF16, "q4_0": T.Q4_0, "q4_1": T.Q4_1, "q5_0": T.Q5_0, "q5_1": T.Q5_1,
         "q8_0": T.Q8_0, "q2_K": T.Q2_K, "q3_K": T.Q3_K, "q4_K": T.Q4_K, "q5_K": T.Q5_K, "q6_K": T.Q6_K}
SCALE_OFFSETS = {  # byte offsets of f16 scales inside one block: keep them small and finite
    "q4_0": [0], "q4_1": [0, 2], "q5_0": [0], "q5_1": [0, 2], "q8_0": [0],
    "q2_K": [80, 82], "q3_K": [108], "q4_K": [0, 2], "q5_K": [0, 2], "q6_K": [208]}

out = {}
for name, qtype in TYPES.items():
    from gguf.constants import GGML_QUANT_SIZES
    block, size = GGML_QUANT_SIZES[qtype]
    blocks = 2 if block > 1 else 64
    raw = rng.integers(0, 256, size=blocks * size, dtype=np.uint8)
    if name in ("f16", "bf16"):
        vals = rng.standard_normal(blocks).astype(np.float32)
        raw = (vals.astype(np.float16).view(np.uint8) if name == "f16"
               else (vals.view(np.uint32) >> 16).astype(np.uint16).view(np.uint8))
    for b in range(blocks):
        for off in SCALE_OFFSETS.get(name, []):
            scale = np.array([rng.uniform(-0.5, 0.5)], dtype=np.float16).view(np.uint8)
            raw[b * size + off: b * size + off + 2] = scale
    values = dequantize(raw.reshape(1, -1), qtype).reshape(-1)
    out[name] = {"bytes": bytes(raw).hex(), "values": [float(v) for v in values]}

path = pathlib.Path(__file__).resolve().parents[2] / "Tests/LearnTests/Fixtures/llama/dequant.json"
path.write_text(json.dumps(out))
print("wrote", path, path.stat().st_size, "bytes")
