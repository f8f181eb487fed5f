#!/usr/bin/env python3
"""Writes the state-dict keys and shapes that transformers' Qwen3ForCausalLM has for a config.json.

Read off modeling_qwen3.py by hand (Qwen3ForCausalLM -> model: Qwen3Model -> embed_tokens, layers.N -> self_attn
{q,k,v,o}_proj, q_norm, k_norm; mlp {gate,up,down}_proj; input_layernorm, post_attention_layernorm; norm; lm_head),
independently of the C# model, so the test compares two derivations. nn.Linear weights are (out, in).
PyTorch's state_dict() lists lm_head.weight also when it is tied to the embedding.
usage: hf_state_dict_keys.py config.json > keys.txt
"""
import json
import sys

c = json.load(open(sys.argv[1]))
hidden, inter, vocab = c["hidden_size"], c["intermediate_size"], c["vocab_size"]
heads, kv = c["num_attention_heads"], c.get("num_key_value_heads") or c["num_attention_heads"]
head_dim = c.get("head_dim") or hidden // heads
bias = c.get("attention_bias", False)

rows = [("model.embed_tokens.weight", (vocab, hidden))]
for n in range(c["num_hidden_layers"]):
    p = f"model.layers.{n}."
    for name, shape in [("q_proj", (heads * head_dim, hidden)), ("k_proj", (kv * head_dim, hidden)),
                        ("v_proj", (kv * head_dim, hidden)), ("o_proj", (hidden, heads * head_dim))]:
        rows.append((f"{p}self_attn.{name}.weight", shape))
        if bias:
            rows.append((f"{p}self_attn.{name}.bias", (shape[0],)))
    rows += [(f"{p}self_attn.q_norm.weight", (head_dim,)), (f"{p}self_attn.k_norm.weight", (head_dim,)),
             (f"{p}mlp.gate_proj.weight", (inter, hidden)), (f"{p}mlp.up_proj.weight", (inter, hidden)),
             (f"{p}mlp.down_proj.weight", (hidden, inter)),
             (f"{p}input_layernorm.weight", (hidden,)), (f"{p}post_attention_layernorm.weight", (hidden,))]
rows += [("model.norm.weight", (hidden,)), ("lm_head.weight", (vocab, hidden))]
for key, shape in rows:
    print(f"{key}\t{list(shape)}".replace(" ", ""))
