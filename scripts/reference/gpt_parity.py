#!/usr/bin/env python3
"""Writes the PyTorch reference fixture for fewshot's GPT parity test.

A small GPT-2-shaped model (pre-LayerNorm, causal self-attention, GELU-tanh MLP, learned
positions, tied embeddings) with fixed random weights is run once forward and backward on a
fixed batch whose loss is masked per token, then trained five AdamW steps on it. Everything is
saved as one safetensors file with fewshot's (GPT-2) names and layout: Linear weights are
stored [in, out] as GPT-2's Conv1D does.

Tensors in the fixture:
  param.<name>   initial weights          grad.<name>    gradients after one backward
  adam5.<name>   weights after 5 steps    logits [B,T,V]  loss [1]  losses5 [5]
  inputs, targets, weights [B,T] (token ids stored as floats; target -100 = ignored)
Metadata: the config and AdamW hyperparameters as JSON.

Run through scripts/reference/make_fixtures.sh (it creates the venv).
"""
import json, math, struct, sys

import torch
import torch.nn as nn
import torch.nn.functional as F

CFG = dict(vocab=32, n_layer=2, n_head=2, n_embd=16, block=8)
B, T = 2, 8
ADAM = dict(lr=1e-2, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        C = c["n_embd"]
        self.n_head = c["n_head"]
        self.ln_1 = nn.LayerNorm(C)
        self.c_attn = nn.Linear(C, 3 * C)
        self.attn_proj = nn.Linear(C, C)
        self.ln_2 = nn.LayerNorm(C)
        self.c_fc = nn.Linear(C, 4 * C)
        self.mlp_proj = nn.Linear(4 * C, C)

    def attn(self, x):
        Bn, Tn, C = x.shape
        nh, hs = self.n_head, C // self.n_head
        q, k, v = self.c_attn(x).split(C, dim=2)
        q = q.view(Bn, Tn, nh, hs).transpose(1, 2)  # (B, nh, T, hs)
        k = k.view(Bn, Tn, nh, hs).transpose(1, 2)
        v = v.view(Bn, Tn, nh, hs).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hs)  # (B, nh, T, T)
        mask = torch.tril(torch.ones(Tn, Tn, dtype=torch.bool))
        att = F.softmax(att.masked_fill(~mask, float("-inf")), dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(Bn, Tn, C)
        return self.attn_proj(y)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.wte = nn.Embedding(c["vocab"], c["n_embd"])
        self.wpe = nn.Embedding(c["block"], c["n_embd"])
        self.h = nn.ModuleList([Block(c) for _ in range(c["n_layer"])])
        self.ln_f = nn.LayerNorm(c["n_embd"])

    def forward(self, idx):
        Tn = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(Tn))
        for blk in self.h:
            x = blk(x)
        return self.ln_f(x) @ self.wte.weight.T  # tied head: (B, T, V)


def masked_loss(logits, targets, weights):
    nll = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1), ignore_index=-100, reduction="none")
    w = weights.reshape(-1) * (targets.reshape(-1) != -100)
    return (nll * w).sum() / w.sum()


def named(model):
    """(fewshot name, tensor in fewshot layout) for every parameter."""
    out = [("wte.weight", model.wte.weight), ("wpe.weight", model.wpe.weight)]
    for i, b in enumerate(model.h):
        p = f"h.{i}."
        out += [(p + "ln_1.weight", b.ln_1.weight), (p + "ln_1.bias", b.ln_1.bias),
                (p + "attn.c_attn.weight", b.c_attn.weight), (p + "attn.c_attn.bias", b.c_attn.bias),
                (p + "attn.c_proj.weight", b.attn_proj.weight), (p + "attn.c_proj.bias", b.attn_proj.bias),
                (p + "ln_2.weight", b.ln_2.weight), (p + "ln_2.bias", b.ln_2.bias),
                (p + "mlp.c_fc.weight", b.c_fc.weight), (p + "mlp.c_fc.bias", b.c_fc.bias),
                (p + "mlp.c_proj.weight", b.mlp_proj.weight), (p + "mlp.c_proj.bias", b.mlp_proj.bias)]
    out += [("ln_f.weight", model.ln_f.weight), ("ln_f.bias", model.ln_f.bias)]
    return out


def layout(name, t):
    """nn.Linear stores [out, in]; GPT-2's Conv1D (and fewshot) store [in, out]."""
    t = t.detach()
    if t.dim() == 2 and not name.startswith(("wte", "wpe")):
        t = t.T
    return t.contiguous().float().clone()  # a copy: training later updates the parameters in place


def write_safetensors(path, tensors, metadata):
    header, offset, blobs = {"__metadata__": metadata}, 0, []
    for name, t in tensors:
        raw = t.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def main(path):
    torch.manual_seed(0)
    model = GPT(CFG)
    with torch.no_grad():  # random everything (norm scales and biases too), so every path matters
        for _, p in named(model):
            p.copy_(torch.randn_like(p) * (0.3 if p.dim() == 2 else 0.1))
        for b in list(model.h) + [model]:
            for ln in ([b.ln_1, b.ln_2] if isinstance(b, Block) else [model.ln_f]):
                ln.weight.add_(1.0)
    g = torch.Generator().manual_seed(1)
    inputs = torch.randint(0, CFG["vocab"], (B, T), generator=g)
    targets = torch.randint(0, CFG["vocab"], (B, T), generator=g)
    targets[0, :3] = -100  # ignored prompt tokens
    weights = (torch.rand(B, T, generator=g) > 0.3).float()
    weights[1, -1] = 0.5

    params0 = [(n, layout(n, p)) for n, p in named(model)]
    logits = model(inputs)
    loss = masked_loss(logits, targets, weights)
    loss.backward()
    grads = [(n, layout(n, p.grad)) for n, p in named(model)]

    decay = [p for n, p in named(model) if p.dim() == 2 and not n.startswith(("wte", "wpe"))]
    other = [p for n, p in named(model) if not (p.dim() == 2 and not n.startswith(("wte", "wpe")))]
    opt = torch.optim.AdamW([{"params": decay}, {"params": other, "weight_decay": 0.0}], **ADAM)
    losses = []
    for _ in range(5):
        opt.zero_grad()
        l = masked_loss(model(inputs), targets, weights)
        l.backward()
        opt.step()
        losses.append(l.item())
    after = [(n, layout(n, p)) for n, p in named(model)]

    tensors = ([("param." + n, t) for n, t in params0] + [("grad." + n, t) for n, t in grads]
               + [("adam5." + n, t) for n, t in after]
               + [("logits", logits.detach()), ("loss", loss.detach().reshape(1)),
                  ("losses5", torch.tensor(losses)), ("inputs", inputs.float()),
                  ("targets", targets.float()), ("weights", weights)])
    meta = {"config": json.dumps(CFG), "adamw": json.dumps(ADAM), "torch": torch.__version__,
            "batch": str(B), "time": str(T)}
    write_safetensors(path, tensors, meta)
    print(f"wrote {path}: loss {loss.item():.6f}, losses after steps {losses}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "gpt_parity.safetensors")
