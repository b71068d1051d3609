#!/usr/bin/env python3
"""Prints the side-by-side table (medians over repetitions) from a run.sh results file."""
import json, statistics, sys
from collections import defaultdict

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
runs = defaultdict(list)
matmul = []
for r in rows:
    if "raw_sgemm_gflops" in r:
        matmul.append(r)
        continue
    key = "tok_per_s" if r["mode"] == "train" else "gen_tok_per_s_median"
    runs[(r["config"], r["mode"], r["impl"])].append(r)

print(f"{'config':7} {'mode':6} {'torch tok/s':>12} {'fewshot tok/s':>14} {'ratio':>6} {'torch MB':>9} {'fewshot MB':>11}")
for (cfg, mode) in sorted({(c, m) for c, m, _ in runs}):
    key = "tok_per_s" if mode == "train" else "gen_tok_per_s_median"
    t = [r[key] for r in runs[(cfg, mode, "torch")]]
    f = [r[key] for r in runs[(cfg, mode, "fewshot")]]
    fm = [r.get("peak_rss_mb", 0) for r in runs[(cfg, mode, "fewshot")]]
    if not t or not f:
        continue
    tm, fmed = statistics.median(t), statistics.median(f)
    print(f"{cfg:7} {mode:6} {tm:12.0f} {fmed:14.0f} {fmed / tm:6.2f} {'':>9} {max(fm):11.0f}")
if matmul:
    raw = statistics.median(r["raw_sgemm_gflops"] for r in matmul)
    api = statistics.median(r["tensor_matmul_gflops"] for r in matmul)
    print(f"matmul 512x512: raw cblas_sgemm {raw:.1f} GFLOP/s, Tensor.matmul {api:.1f} GFLOP/s, ratio {api / raw:.3f}")
