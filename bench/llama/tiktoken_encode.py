#!/usr/bin/env python3
"""tiktoken's GPT-2 encoding throughput on a text file, built from the same gpt2.tiktoken ranks
file fewshot reads (no network). Prints one JSON line like fewshot-llama-bench bpe.

Usage: python tiktoken_encode.py RANKS.tiktoken TEXT-FILE [repeats] [threads]
"""
import json
import sys
import time

import tiktoken
from tiktoken.load import load_tiktoken_bpe

ranks_path, text_path = sys.argv[1], sys.argv[2]
repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
GPT2_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
encoding = tiktoken.Encoding(
    "gpt2-local", pat_str=GPT2_PATTERN, mergeable_ranks=load_tiktoken_bpe(ranks_path),
    special_tokens={"<|endoftext|>": 50256})
text = open(text_path, encoding="utf-8").read()
best, tokens = float("inf"), 0
for _ in range(repeats):
    t = time.perf_counter()
    tokens = len(encoding.encode_ordinary(text))
    best = min(best, time.perf_counter() - t)
size = len(text.encode("utf-8"))
print(json.dumps({"bench": "bpe-tiktoken", "bytes": size, "tokens": tokens, "mb_s": size / best / 1e6}))
