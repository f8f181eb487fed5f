#!/usr/bin/env python3
"""Recomputes logits for our saved files with PyTorch, following transformers' modeling_qwen3.py line by line
(eager attention path: repeat_kv, rotate_half, fp32 RMSNorm, causal + padding mask, HF generate's position ids) and
PEFT's LoRA forward (x @ A^T @ B^T * scaling). Safetensors are parsed here by hand from the format description, so the
check also covers file compatibility. Needs only torch (Debian's python3-torch 1.13 is enough).

usage: hf_qwen3_reference.py <dir>   (dir holds model/, adapter/, cases.safetensors written by the C# test)
Prints one JSON line: the max abs difference per case.
"""
import json
import math
import struct
import sys

import torch

DTYPES = {"F32": torch.float32, "F64": torch.float64, "BF16": torch.bfloat16, "F16": torch.float16, "I64": torch.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        t = torch.frombuffer(bytearray(data[b:end]), dtype=DTYPES[e["dtype"]]) if end > b else torch.empty(0, dtype=DTYPES[e["dtype"]])
        out[name] = t.reshape(e["shape"]).clone()
    return out


def rms_norm(x, w, eps):
    dtype = x.dtype
    x = x.to(torch.float32)
    x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)
    return w * x.to(dtype)


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def repeat_kv(h, n_rep):
    b, kv, s, d = h.shape
    return h[:, :, None, :, :].expand(b, kv, n_rep, s, d).reshape(b, kv * n_rep, s, d)


def forward(cfg, w, ids, attention_mask, lora=None, scaling=1.0):
    def linear(x, name):
        y = x @ w[name + ".weight"].T
        if lora is not None and name in lora:
            a, b = lora[name]
            y = y + (x @ a.T @ b.T) * scaling
        return y

    bsz, t = ids.shape
    hd = cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]
    nh, nkv, eps = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["rms_norm_eps"]
    position_ids = (attention_mask.long().cumsum(-1) - 1).masked_fill(attention_mask == 0, 1)
    inv_freq = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
    freqs = (inv_freq[None, :, None].expand(bsz, -1, 1) @ position_ids[:, None, :].float()).transpose(1, 2)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos()[:, None], emb.sin()[:, None]
    min_value = torch.finfo(torch.float32).min
    causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
    allowed = causal[None, None] & attention_mask.bool()[:, None, None, :]
    mask = torch.zeros(bsz, 1, t, t).masked_fill(~allowed, min_value)
    x = w["model.embed_tokens.weight"][ids]
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = rms_norm(linear(h, p + "self_attn.q_proj").view(bsz, t, -1, hd), w[p + "self_attn.q_norm.weight"], eps).transpose(1, 2)
        k = rms_norm(linear(h, p + "self_attn.k_proj").view(bsz, t, -1, hd), w[p + "self_attn.k_norm.weight"], eps).transpose(1, 2)
        v = linear(h, p + "self_attn.v_proj").view(bsz, t, -1, hd).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        k, v = repeat_kv(k, nh // nkv), repeat_kv(v, nh // nkv)
        scores = q @ k.transpose(2, 3) * hd ** -0.5 + mask
        attn = torch.softmax(scores, dim=-1, dtype=torch.float32) @ v
        x = x + linear(attn.transpose(1, 2).reshape(bsz, t, -1), p + "self_attn.o_proj")
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        gate = linear(h, p + "mlp.gate_proj")
        x = x + linear(torch.nn.functional.silu(gate) * linear(h, p + "mlp.up_proj"), p + "mlp.down_proj")
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w.get("lm_head.weight", w["model.embed_tokens.weight"])
    return x @ head.T


def main(root):
    cfg = json.load(open(f"{root}/model/config.json"))
    w = read_safetensors(f"{root}/model/model.safetensors")
    w = {k: v.float() for k, v in w.items()}
    adapter_cfg = json.load(open(f"{root}/adapter/adapter_config.json"))
    raw = read_safetensors(f"{root}/adapter/adapter_model.safetensors")
    prefix = "base_model.model."
    lora = {}
    for key, value in raw.items():
        module, which = key[len(prefix):].rsplit(".lora_", 1)
        lora.setdefault(module, [None, None])["AB".index(which[0])] = value.float()
    r, alpha = adapter_cfg["r"], adapter_cfg["lora_alpha"]
    scaling = alpha / math.sqrt(r) if adapter_cfg.get("use_rslora") else alpha / r
    cases = read_safetensors(f"{root}/cases.safetensors")
    ids, mask = cases["ids"], cases["mask"]
    real = mask.bool()
    result = {}
    for name, kwargs in [("base", {}), ("lora", {"lora": lora, "scaling": scaling})]:
        ours = cases[f"{name}_logits"].float()
        theirs = forward(cfg, w, ids, mask, **kwargs)
        result[name] = (ours - theirs)[real].abs().max().item()
        result[name + "_scale"] = theirs[real].abs().max().item()
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
