#!/usr/bin/env python3
"""Writes Tests/LearnTests/Fixtures/llama/parity.json: Hugging Face transformers' logits for a
fixed token sequence through SmolLM2-135M-Instruct, loaded from the same GGUF (dequantised to f32).

Set-up (see ../shared/bench/README.md):
    python3 -m venv ~/.cache/fewshot-bench/venv
    ~/.cache/fewshot-bench/venv/bin/pip install torch==2.13.0 numpy transformers gguf accelerate
    ~/.cache/fewshot-bench/venv/bin/python scripts/reference/llama_parity.py

The fixture keeps, for every position, the logits of the 16 most likely tokens, of 32 fixed
token ids, and the log-sum-exp over the whole vocabulary (a check on all 49,152 values).
"""
import json
import os
import pathlib

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

home = os.environ.get("FEWSHOT_HOME", os.path.expanduser("~/.cache/fewshot"))
folder, name = home + "/models", "SmolLM2-135M-Instruct.Q4_1.gguf"
PROMPT = "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n"

torch.manual_seed(0)
tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, torch_dtype=torch.float32).eval()
ids = tokenizer(PROMPT, add_special_tokens=False)["input_ids"]
with torch.no_grad():
    logits = model(torch.tensor([ids])).logits[0]  # (T, V)
fixed = torch.randperm(logits.shape[1], generator=torch.Generator().manual_seed(1))[:32].tolist()
positions = []
for t in range(len(ids)):
    row = logits[t]
    top = torch.topk(row, 16)
    positions.append({
        "top_ids": top.indices.tolist(), "top_logits": top.values.tolist(),
        "fixed_logits": row[fixed].tolist(), "logsumexp": torch.logsumexp(row, 0).item()})
out = {"prompt": PROMPT, "tokens": ids, "fixed_ids": fixed, "positions": positions,
       "greedy_continuation": tokenizer.decode(model.generate(torch.tensor([ids]), max_new_tokens=8,
                                                              do_sample=False)[0][len(ids):])}
path = pathlib.Path(__file__).resolve().parents[2] / "Tests/LearnTests/Fixtures/llama/parity.json"
path.write_text(json.dumps(out))
print("wrote", path, path.stat().st_size, "bytes;", len(ids), "tokens; greedy:", repr(out["greedy_continuation"]))
