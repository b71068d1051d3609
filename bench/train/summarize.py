#!/usr/bin/env python3
"""Prints the side-by-side table from a run.sh results file: medians over repetitions, the
median and range of the per-repetition ratios (each fewshot run against the torch run just
before it, so a slow spell on the host affects both sides of a ratio), and for training the
model FLOPs utilisation: 6 x params x tokens/s over the measured raw sgemm GFLOP/s. Memory is
the highest peak resident set of each side's runs (torch's from peak_rss.py)."""
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

peak = statistics.median(r["raw_sgemm_gflops"] for r in matmul) if matmul else None
print(
    f"{'config':7} {'mode':6} {'torch tok/s':>12} {'fewshot tok/s':>14} {'ratio':>6} {'pair ratios':>18}"
    f" {'MFU torch':>9} {'MFU fewshot':>11} {'torch MB':>9} {'fewshot MB':>11}"
)
for (cfg, mode) in sorted({(c, m) for c, m, _ in runs}):
    key = "tok_per_s" if mode == "train" else "gen_tok_per_s_median"
    t = [r[key] for r in runs[(cfg, mode, "torch")]]
    f = [r[key] for r in runs[(cfg, mode, "fewshot")]]
    tmb = [r.get("peak_rss_mb", 0) for r in runs[(cfg, mode, "torch")]]
    fmb = [r.get("peak_rss_mb", 0) for r in runs[(cfg, mode, "fewshot")]]
    if not t or not f:
        continue
    tm, fmed = statistics.median(t), statistics.median(f)
    pairs = [b / a for a, b in zip(t, f)]
    spread = f"{statistics.median(pairs):.2f} [{min(pairs):.2f}-{max(pairs):.2f}]"
    mfu = ["", ""]
    params = runs[(cfg, mode, "fewshot")][0].get("params")
    if mode == "train" and peak and params:
        mfu = [f"{6 * params * x / (peak * 1e9):.0%}" for x in (tm, fmed)]
    print(f"{cfg:7} {mode:6} {tm:12.0f} {fmed:14.0f} {fmed / tm:6.2f} {spread:>18} {mfu[0]:>9} {mfu[1]:>11} {max(tmb):9.0f} {max(fmb):11.0f}")
if matmul:
    raw = statistics.median(r["raw_sgemm_gflops"] for r in matmul)
    api = statistics.median(r["tensor_matmul_gflops"] for r in matmul)
    print(f"matmul 512x512: raw cblas_sgemm {raw:.1f} GFLOP/s, Tensor.matmul {api:.1f} GFLOP/s, ratio {api / raw:.3f}")
