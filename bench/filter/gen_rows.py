"""Writes N synthetic "generated instructions" as JSONL ({"id", "instruction"}), seeded.

The rows imitate a teacher's output: a task verb, then 8-25 words drawn from a Zipf-like
vocabulary (so common words recur as in real text). About a fifth of the rows are edits of an
earlier row (1-3 words replaced, inserted or dropped) and a few are re-cased copies: the near
and exact duplicates a filter must find. Python stdlib only.
"""
import itertools
import json
import random
import sys


def main():
    n = int(sys.argv[1])
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "shi", "pe", "da", "zu", "gri", "fa", "el", "on", "ba"]
    vocab = []
    seen = set()
    while len(vocab) < 20000:
        w = "".join(rng.choice(syllables) for _ in range(rng.randint(1, 4)))
        if w not in seen:
            seen.add(w)
            vocab.append(w)
    # Cumulative weights once: choices() would otherwise sum all 20,000 weights on every call.
    cum = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(vocab))))
    verbs = ["Write", "Explain", "Give", "Describe", "List", "Classify", "Summarize", "Suggest", "Translate", "Compare"]
    rows = []
    for i in range(n):
        r = rng.random()
        if rows and r < 0.20:
            words = rng.choice(rows).split()
            for _ in range(rng.randint(1, 3)):
                op = rng.randint(0, 2)
                k = rng.randrange(1, len(words))
                if op == 0:
                    words[k] = rng.choices(vocab, cum_weights=cum)[0]
                elif op == 1:
                    words.insert(k, rng.choices(vocab, cum_weights=cum)[0])
                elif len(words) > 4:
                    del words[k]
            text = " ".join(words)
        elif rows and r < 0.23:
            text = rng.choice(rows).upper()
        else:
            body = rng.choices(vocab, cum_weights=cum, k=rng.randint(8, 25))
            text = rng.choice(verbs) + " " + " ".join(body) + "."
        rows.append(text)
        sys.stdout.write(json.dumps({"id": i, "instruction": text}) + "\n")


if __name__ == "__main__":
    main()
