#!/usr/bin/env python3
"""Label log-probabilities from Hugging Face transformers, for fewshot's `scoring: "likelihood"`.

SmolLM2-135M-Instruct is loaded from the GGUF fewshot ships, dequantised to f32, and each label
is scored as fewshot scores it: log P(label tokens + <|im_end|> | chat prompt).

    python3 scripts/reference/label_scores.py fixture
        writes Tests/LearnTests/Fixtures/llama/label_scores.json (a few prompts and their labels'
        log-probabilities, for LabelScoringParityTests)
    python3 scripts/reference/label_scores.py table ROWS.csv LABEL [LABEL ...]
        scores every row of ROWS.csv (columns text, label) with the README's shots and prints the
        accuracy of plain likelihood and of contextual calibration (N/A, "", [MASK]), to set
        beside fewshot's own figures on the same rows.

Set-up (see ../shared/bench/README.md): a venv with torch==2.13.0, transformers, gguf, numpy.
"""
import csv
import json
import os
import pathlib
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

home = os.environ.get("FEWSHOT_HOME", os.path.expanduser("~/.cache/fewshot"))
folder, name = home + "/models", "SmolLM2-135M-Instruct.Q4_1.gguf"
tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, torch_dtype=torch.float32).eval()
END = tokenizer.convert_tokens_to_ids("<|im_end|>")

SHOTS = [
    ("my car parked itself and I loved it", "positive"),
    ("I will never trust a car without a driver", "negative"),
    ("self-driving trucks were in the news today", "neutral"),
]


def chat(messages):
    """The ChatML text SmolLM2's template renders, with the assistant turn opened."""
    text = "".join(f"<|im_start|>{role}\n{content}<|im_end|>\n" for role, content in messages)
    return text + "<|im_start|>assistant\n"


def readme_prompt(text, labels):
    """The README's prompt: its system message, the shots whose label is allowed, then the tweet."""
    system = ("Classify the sentiment of tweets.\n\nAnswer with exactly one of: "
              + ", ".join(labels) + ". Reply with the label only.")
    messages = [("system", system)]
    for shot, label in SHOTS:
        if label in labels:
            messages += [("user", f"Tweet: {shot}\nSentiment:"), ("assistant", label)]
    return chat(messages + [("user", f"Tweet: {text}\nSentiment:")])


def score(prompt_text, labels):
    """Token ids of the prompt, of each label's continuation, and its log-probability."""
    prompt = tokenizer(prompt_text, add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        out = model(torch.tensor([prompt]), use_cache=True)
        first = torch.log_softmax(out.logits[0, -1].double(), 0)
        results = []
        for label in labels:
            whole = tokenizer(prompt_text + label, add_special_tokens=False)["input_ids"]
            assert whole[:len(prompt)] == prompt, "label merged with the prompt's last token"
            cont = whole[len(prompt):] + [END]
            total = first[cont[0]].item()
            if len(cont) > 1:
                past = out.past_key_values
                rest = model(torch.tensor([cont[:-1]]), past_key_values=_copy(past), use_cache=True).logits[0]
                logp = torch.log_softmax(rest.double(), -1)
                total += sum(logp[j, t].item() for j, t in enumerate(cont[1:]))
            results.append((cont, total))
    return prompt, results


def _copy(past):
    import copy
    return copy.deepcopy(past)


def fixture():
    cases = []
    labels3 = ["negative", "neutral", "positive"]
    for text in ["robot taxis are the future", "I hate waiting for the bus", "Google unveils a car",
                 "¡Qué miedo! 自動運転 cars 🚗 scare me"]:
        prompt_text = readme_prompt(text, labels3)
        prompt, results = score(prompt_text, labels3)
        cases.append({"text": text, "labels": labels3, "prompt_text": prompt_text, "prompt": prompt,
                      "continuations": [c for c, _ in results], "logprobs": [lp for _, lp in results]})
    path = pathlib.Path(__file__).resolve().parents[2] / "Tests/LearnTests/Fixtures/llama/label_scores.json"
    path.write_text(json.dumps({"cases": cases}, ensure_ascii=False))
    print("wrote", path)


def softmax(xs):
    top = max(xs)
    e = [pow(2.718281828459045, x - top) for x in xs]
    return [v / sum(e) for v in e]


def table(path, labels):
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    cf = [softmax([lp for _, lp in score(readme_prompt(t, labels), labels)[1]]) for t in ["N/A", "", "[MASK]"]]
    bias = [sum(p[i] for p in cf) / len(cf) for i in range(len(labels))]
    plain = calibrated = 0
    predicted = {label: 0 for label in labels}
    for row in rows:
        probs = softmax([lp for _, lp in score(readme_prompt(row["text"], labels), labels)[1]])
        best = max(range(len(labels)), key=lambda i: probs[i])
        predicted[labels[best]] += 1
        q = [p / b for p, b in zip(probs, bias)]
        plain += labels[best] == row["label"]
        calibrated += labels[max(range(len(labels)), key=lambda i: q[i])] == row["label"]
    majority = max(sum(r["label"] == l for r in rows) for l in labels) / len(rows)
    print(f"{len(rows)} rows, labels {labels}: likelihood {plain / len(rows):.3f}, "
          f"calibrated {calibrated / len(rows):.3f}, majority {majority:.3f}; bias {[round(b, 3) for b in bias]}; "
          f"likelihood predicted {predicted}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["fixture"]:
        fixture()
    elif sys.argv[1:2] == ["table"]:
        table(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(__doc__)
