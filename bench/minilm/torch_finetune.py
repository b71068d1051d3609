"""Fine-tuning speed of all-MiniLM-L6-v2 with a label head under PyTorch eager (the reference
side of bench/minilm/finetune.sh).

python torch_finetune.py --model DIR --texts FILE --threads 2 --batch 16 [--reps 3]
FILE holds one "label<TAB>text" per line. The recipe is fewshot's full fine-tune: mean pooling,
a linear head, AdamW (betas 0.9/0.95, weight decay 0.1 on matrices, head 1e-3, encoder 2e-5),
gradient clipping at 1, one epoch of shuffled batches, texts cut at 256 tokens and padded per
batch. Prints one JSON line: tokens/s (unpadded tokens, as fewshot counts them; median of
reps) and the tokens of one epoch.
"""

import argparse
import json
import statistics
import time

import torch
from transformers import AutoModel, AutoTokenizer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--texts", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    with open(args.texts, encoding="utf-8") as f:
        pairs = [line.rstrip("\n").split("\t", 1) for line in f if line.strip()]
    labels = sorted({p[0] for p in pairs})
    tok = AutoTokenizer.from_pretrained(args.model)
    rates, tokens = [], 0
    for rep in range(args.reps):
        torch.manual_seed(rep)
        encoder = AutoModel.from_pretrained(args.model).train()
        head = torch.nn.Linear(encoder.config.hidden_size, len(labels))
        decay = [p for n, p in encoder.named_parameters() if p.dim() >= 2]
        plain = [p for n, p in encoder.named_parameters() if p.dim() < 2]
        opt = torch.optim.AdamW(
            [
                {"params": decay, "lr": 2e-5, "weight_decay": 0.1},
                {"params": plain, "lr": 2e-5, "weight_decay": 0.0},
                {"params": [head.weight], "lr": 1e-3, "weight_decay": 0.1},
                {"params": [head.bias], "lr": 1e-3, "weight_decay": 0.0},
            ],
            betas=(0.9, 0.95),
        )
        params = list(encoder.parameters()) + list(head.parameters())
        order = torch.randperm(len(pairs)).tolist()
        tokens = 0
        start = time.perf_counter()
        for i in range(0, len(order), args.batch):
            batch = [pairs[j] for j in order[i : i + args.batch]]
            enc = tok([t for _, t in batch], padding=True, truncation=True, max_length=256, return_tensors="pt")
            y = torch.tensor([labels.index(l) for l, _ in batch])
            h = encoder(**enc).last_hidden_state
            m = enc["attention_mask"].unsqueeze(-1).float()
            loss = torch.nn.functional.cross_entropy(head((h * m).sum(1) / m.sum(1)), y)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            tokens += int(enc["attention_mask"].sum())
        rates.append(tokens / (time.perf_counter() - start))
    print(json.dumps({"side": "pytorch-eager", "rows": len(pairs), "threads": args.threads, "batch": args.batch,
                      "tokens": tokens, "tokens_per_s": round(statistics.median(rates), 1)}))


if __name__ == "__main__":
    main()
