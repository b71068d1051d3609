"""Self-Instruct's near-duplicate filter, with the `rouge-score` package, on the first N rows.

Two variants, both exact and quadratic:
- "selfinstruct": as bootstrap_instructions.py does it, scorer.score(new, kept) for every
  kept instruction (it tokenises both texts on every call), dropped when max F > 0.7;
- "alpaca": as Stanford Alpaca's generate_instruction.py, which tokenises each text once and
  calls rouge_scorer._score_lcs on the tokens.
Both run in one process (Self-Instruct spread the calls over a 4-process pool; on this 2-core
machine that could at best halve the time). Prints one JSON line with the timing and writes
the dropped row indices to the output file.
"""
import json
import sys
import time

from rouge_score import rouge_scorer, tokenize


def main():
    path, n, variant, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    rows = []
    with open(path) as f:
        for line in f:
            rows.append(json.loads(line)["instruction"])
            if len(rows) == n:
                break
    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False)
    start = time.perf_counter()
    kept, kept_tokens, dropped = [], [], []
    for i, inst in enumerate(rows):
        if variant == "selfinstruct":
            scores = [scorer.score(inst, k)["rougeL"].fmeasure for k in kept]
        else:
            tokens = tokenize.tokenize(inst, None)
            scores = [rouge_scorer._score_lcs(tokens, k).fmeasure for k in kept_tokens]
        if scores and max(scores) > 0.7:
            dropped.append(i)
            continue
        kept.append(inst)
        if variant != "selfinstruct":
            kept_tokens.append(tokens)
    seconds = time.perf_counter() - start
    with open(out, "w") as f:
        f.write("\n".join(map(str, dropped)) + "\n")
    print(json.dumps({"impl": "python-" + variant, "rows": len(rows), "kept": len(kept), "dropped": len(dropped), "seconds": round(seconds, 3)}))


if __name__ == "__main__":
    main()
