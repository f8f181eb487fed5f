#!/usr/bin/env python3
"""Parity of Platform's C# Qwen3 + LoRA with transformers' Qwen3ForCausalLM + peft's PeftModel (docs/parity.md).

Reads the fixtures of `./platform parity --output DIR`: per variant, model/ (HF folder), adapter/ (PEFT folder) and
ours.safetensors (inputs, our fp32 logits, our greedy tokens). Recomputes them with transformers on CUDA (fp32, eager
attention, TF32 off), compares, prints a table and writes gpucheck.json to $OUT (or the current folder).
Usage: HF_HUB_OFFLINE=1 python3 check.py [DIR]   (DIR defaults to fixtures/ beside this file). Needs no network.
"""
import json
import os
import sys
import traceback

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch  # noqa: E402
from safetensors.torch import load_file, save_file  # noqa: E402

FP32_TOLERANCE = 1e-4
DEVICE = "cuda" if torch.cuda.is_available() else "cpu"
torch.set_float32_matmul_precision("highest")  # fp32 parity needs true fp32 matmuls (TF32 keeps 10 mantissa bits)


def compare(ours, theirs, mask=None):
    """Max abs diff, max diff relative to the logit scale, max elementwise rel diff where |ref| > 0.1, argmax agreement."""
    ours, theirs = ours.double().cpu(), theirs.double().cpu()
    if mask is not None:  # keep real positions only: (B, T, V) -> (N, V)
        keep = mask.bool().cpu()
        ours, theirs = ours[keep], theirs[keep]
    diff = (ours - theirs).abs()
    large = theirs.abs() > 0.1
    return {
        "max_abs": diff.max().item(),
        "mean_abs": diff.mean().item(),
        "max_rel_to_scale": (diff.max() / theirs.abs().max()).item(),
        "max_rel": (diff[large] / theirs.abs()[large]).max().item() if large.any() else 0.0,
        "argmax_agree": (ours.argmax(-1) == theirs.argmax(-1)).double().mean().item(),
        "positions": int(ours.reshape(-1, ours.shape[-1]).shape[0]),
    }


def load_hf(folder, dtype, attn="eager"):
    from transformers import Qwen3ForCausalLM

    try:
        loaded = Qwen3ForCausalLM.from_pretrained(folder, dtype=dtype, attn_implementation=attn, output_loading_info=True)
    except TypeError:  # a transformers without output_loading_info; weights_equal still checks the weights
        loaded = Qwen3ForCausalLM.from_pretrained(folder, dtype=dtype, attn_implementation=attn)
    model, info = loaded if isinstance(loaded, tuple) else (loaded, {})
    problems = {k: sorted(map(str, v)) for k, v in dict(info).items() if k in ("missing_keys", "unexpected_keys", "mismatched_keys") and v}
    return model.to(DEVICE).eval(), problems


def weights_equal(model, file):
    """Every tensor of the file is in the HF model bit for bit (guards against a silent re-init or key renaming)."""
    state = model.state_dict()
    stored = load_file(file)
    missing = [k for k in stored if k not in state]
    differing = [k for k in stored if k in state and not torch.equal(state[k].cpu().to(stored[k].dtype), stored[k])]
    return {"file_tensors": len(stored), "missing_in_hf": missing[:5], "differing": differing[:5]}


def adapter_weights_equal(peft_model, file):
    state = {k.replace(".default.", "."): v for k, v in peft_model.state_dict().items() if "lora_" in k}
    stored = load_file(file)
    missing = [k for k in stored if k not in state]
    differing = [k for k in stored if k in state and not torch.equal(state[k].cpu().float(), stored[k].float())]
    return {"file_tensors": len(stored), "lora_tensors_in_peft": len(state), "missing_in_peft": missing[:5], "differing": differing[:5]}


def forward(model, t):
    with torch.no_grad():
        causal = model(input_ids=t["input_ids"].to(DEVICE)).logits.float().cpu()
        padded = model(
            input_ids=t["padded_ids"].to(DEVICE),
            attention_mask=t["attention_mask"].to(DEVICE),
            position_ids=t["position_ids"].to(DEVICE),
        ).logits.float().cpu()
    return causal, padded


def hidden_states(model, t):
    """HF's hidden states on input_ids: hidden_0 = embeddings, hidden_i = input of layer i, hidden_L = after the final norm."""
    with torch.no_grad():
        states = model(input_ids=t["input_ids"].to(DEVICE), output_hidden_states=True).hidden_states
    return {f"hidden_{i}": h.float().cpu() for i, h in enumerate(states)}


def out_dir():
    return os.environ.get("OUT") or "."


def generate(model, t, ours):
    """HF greedy generate on the left-padded prompts; where tokens part, HF's top-1 minus top-2 logit at that step."""
    new_tokens = ours.shape[1]
    with torch.no_grad():
        out = model.generate(
            input_ids=t["gen_input_ids"].to(DEVICE),
            attention_mask=t["gen_attention_mask"].to(DEVICE),
            max_new_tokens=new_tokens,
            do_sample=False,
            num_beams=1,
            pad_token_id=0,
            return_dict_in_generate=True,
            output_logits=True,
        )
    theirs = out.sequences[:, t["gen_input_ids"].shape[1]:].cpu()
    result = {"ours": ours.tolist(), "hf": theirs.tolist(), "equal": theirs.shape == ours.shape and torch.equal(theirs, ours)}
    if not getattr(out, "logits", None):
        return result
    steps = torch.stack([s.float().cpu() for s in out.logits], dim=1)  # (B, steps, V)
    top2 = steps.topk(2, dim=-1).values
    margins = top2[..., 0] - top2[..., 1]  # (B, steps)
    result["min_hf_margin"] = margins.min().item()
    if not result["equal"]:
        parted = [(r, s) for r in range(ours.shape[0]) for s in range(min(ours.shape[1], theirs.shape[1])) if ours[r, s] != theirs[r, s]]
        if parted:
            r, s = parted[0]
            result["first_difference"] = {"row": r, "step": s, "hf_margin": margins[r, s].item()}
    return result


def check_variant(name, folder):
    t = load_file(os.path.join(folder, "ours.safetensors"))
    model_dir, adapter_dir = os.path.join(folder, "model"), os.path.join(folder, "adapter")
    real = t["attention_mask"]
    r = {"variant": name}

    def step(label, fn):
        try:
            r[label] = fn()
        except Exception as e:  # one broken step must not cost the others (device time is scarce)
            r[label] = {"error": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc()[-3000:]}
            print(f"[{name}] {label} failed: {type(e).__name__}: {e}", flush=True)

    from peft import PeftModel

    base, problems = load_hf(model_dir, torch.float32)
    r["loading_problems"] = problems
    cfg = base.config
    r["hf_config"] = {
        "rope_parameters": getattr(cfg, "rope_parameters", None), "head_dim": cfg.head_dim,
        "num_key_value_heads": cfg.num_key_value_heads, "tie_word_embeddings": cfg.tie_word_embeddings,
        "attention_bias": cfg.attention_bias, "attn_implementation": getattr(cfg, "_attn_implementation", None),
        "lm_head_is_embedding": base.lm_head.weight.data_ptr() == base.model.embed_tokens.weight.data_ptr(),
    }
    step("base_weights", lambda: weights_equal(base, os.path.join(model_dir, "model.safetensors")))
    causal, padded = forward(base, t)
    dump = {"base_logits_causal": causal, "base_logits_padded": padded}
    step("base_hidden_states", lambda: dump.update(hidden_states(base, t)))
    step("base_fp32_causal", lambda: compare(t["base_logits_causal"], causal))
    step("base_fp32_padded", lambda: compare(t["base_logits_padded"], padded, real))
    step("base_generate", lambda: generate(base, t, t["base_generated"]))
    base_hf_causal = causal

    peft_model = PeftModel.from_pretrained(base, adapter_dir).eval()
    step("lora_weights", lambda: adapter_weights_equal(peft_model, os.path.join(adapter_dir, "adapter_model.safetensors")))
    step("lora_scaling", lambda: sorted({str(m.scaling) for m in peft_model.modules() if hasattr(m, "scaling") and isinstance(m.scaling, dict)}))
    causal, padded = forward(peft_model, t)
    dump.update({"lora_logits_causal": causal, "lora_logits_padded": padded})
    step("lora_fp32_causal", lambda: compare(t["lora_logits_causal"], causal))
    step("lora_fp32_padded", lambda: compare(t["lora_logits_padded"], padded, real))
    step("lora_generate", lambda: generate(peft_model, t, t["lora_generated"]))
    step("lora_effect_on_logits", lambda: compare(causal, base_hf_causal)["max_abs"])
    del peft_model, base

    def sdpa():
        m, _ = load_hf(model_dir, torch.float32, attn="sdpa")
        c, p = forward(m, t)
        return {"causal": compare(t["base_logits_causal"], c), "padded": compare(t["base_logits_padded"], p, real)}

    step("base_fp32_sdpa", sdpa)

    def bf16():
        m, _ = load_hf(model_dir, torch.bfloat16)
        c, p = forward(m, t)
        out = {"dtype": str(next(m.parameters()).dtype), "base_causal_vs_ours_fp32": compare(t["base_logits_causal"], c),
               "base_causal_vs_hf_fp32": compare(base_hf_causal, c)}
        pm = PeftModel.from_pretrained(m, adapter_dir).eval()
        c, _ = forward(pm, t)
        out["lora_causal_vs_ours_fp32"] = compare(t["lora_logits_causal"], c)
        return out

    step("bf16_info", bf16)
    # HF's logits and hidden states, for diagnosing a mismatch here after the GPU machine is gone
    step("dump", lambda: save_file({k: v.contiguous() for k, v in dump.items()}, os.path.join(out_dir(), f"hf_{name}.safetensors")))
    return r


def row(label, c):
    if not isinstance(c, dict) or "max_abs" not in c:
        return f"  {label:<24} {json.dumps(c, default=str)[:160] if not isinstance(c, dict) or 'error' not in c else c['error'][:160]}"
    return (f"  {label:<24} max_abs {c['max_abs']:.3e}  mean_abs {c['mean_abs']:.2e}  rel(scale) {c['max_rel_to_scale']:.2e}"
            f"  rel(|x|>.1) {c['max_rel']:.2e}  argmax {c['argmax_agree'] * 100:.1f}%  n={c['positions']}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "fixtures")
    import peft
    import transformers

    summary = {
        "device": torch.cuda.get_device_name(0) if DEVICE == "cuda" else "cpu",
        "torch": torch.__version__, "transformers": transformers.__version__, "peft": peft.__version__,
        "fp32_matmul_precision": torch.get_float32_matmul_precision(), "fp32_tolerance": FP32_TOLERANCE, "variants": [],
    }
    print(json.dumps({k: v for k, v in summary.items() if k != "variants"}), flush=True)
    for name in sorted(os.listdir(root)):
        folder = os.path.join(root, name)
        if not os.path.isfile(os.path.join(folder, "ours.safetensors")):
            continue
        try:
            r = check_variant(name, folder)
        except Exception as e:
            r = {"variant": name, "error": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc()[-3000:]}
            print(r["traceback"], flush=True)
        summary["variants"].append(r)

    failures = []
    for r in summary["variants"]:
        print(f"\n== {r['variant']}  loading problems: {r.get('loading_problems')}  hf config: {json.dumps(r.get('hf_config'), default=str)}")
        for label in ("base_weights", "lora_weights", "lora_scaling", "lora_effect_on_logits"):
            print(f"  {label:<24} {json.dumps(r.get(label), default=str)[:300]}")
        for label in ("base_fp32_causal", "base_fp32_padded", "lora_fp32_causal", "lora_fp32_padded"):
            c = r.get(label, {"error": "not run"})
            print(row(label, c))
            if "max_abs" not in c or c["max_abs"] > FP32_TOLERANCE:
                failures.append(f"{r['variant']}.{label}")
        for label in ("base_generate", "lora_generate"):
            g = r.get(label, {"error": "not run"})
            print(f"  {label:<24} equal={g.get('equal')}  min_hf_margin={g.get('min_hf_margin')}  first_difference={g.get('first_difference')}  {g.get('error', '')}")
            if not g.get("equal"):
                failures.append(f"{r['variant']}.{label}")
        sdpa = r.get("base_fp32_sdpa", {})
        if "error" in sdpa:
            print(f"  sdpa                     {sdpa['error'][:160]}")
        for k in ("causal", "padded"):
            if k in sdpa:
                print(row(f"sdpa_{k}", sdpa[k]))
        for k, c in r.get("bf16_info", {}).items():
            print(row(f"bf16 {k}", c))
        if "error" in r:
            failures.append(f"{r['variant']}: {r['error']}")
    summary["failures"] = failures
    print(f"\n{'PASS' if not failures else 'FAIL: ' + ', '.join(failures)}")
    with open(os.path.join(out_dir(), "gpucheck.json"), "w") as f:
        json.dump(summary, f, indent=1, default=str)
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
