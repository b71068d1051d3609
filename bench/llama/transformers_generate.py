#!/usr/bin/env python3
"""transformers (f32, the same GGUF dequantised) on the same workload as `fewshot-llama-bench
model`: prompt processing of PP random tokens, then TG greedy tokens with the KV cache, at batch 1.
Prints one JSON line with wall and CPU-time rates.

Usage: python transformers_generate.py [threads] [PP] [TG]
"""
import json
import os
import sys
import time

import torch
from transformers import AutoModelForCausalLM

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
pp = int(sys.argv[2]) if len(sys.argv) > 2 else 128
tg = int(sys.argv[3]) if len(sys.argv) > 3 else 64
torch.set_num_threads(threads)
home = os.environ.get("FEWSHOT_HOME", os.path.expanduser("~/.cache/fewshot"))
model = AutoModelForCausalLM.from_pretrained(
    home + "/models", gguf_file="SmolLM2-135M-Instruct.Q4_1.gguf", dtype=torch.float32).eval()
prompt = torch.randint(0, model.config.vocab_size, (1, pp))
with torch.no_grad():
    model(prompt[:, :8])  # warm-up
    t, c = time.perf_counter(), time.process_time()
    out = model(prompt, use_cache=True)
    pp_wall, pp_cpu = time.perf_counter() - t, time.process_time() - c
    cache, token = out.past_key_values, prompt[:, :1]
    fresh = model(token, use_cache=True)
    cache = fresh.past_key_values
    t, c = time.perf_counter(), time.process_time()
    for _ in range(tg):
        out = model(token, past_key_values=cache, use_cache=True)
        cache = out.past_key_values
        token = out.logits[:, -1:].argmax(-1)
    tg_wall, tg_cpu = time.perf_counter() - t, time.process_time() - c
print(json.dumps({"bench": "transformers-f32", "threads": threads, "pp_tok_s": pp / pp_wall,
                  "pp_tok_per_cpu_s": pp / pp_cpu, "tg_tok_s": tg / tg_wall, "tg_tok_per_cpu_s": tg / tg_cpu}))
