"""Renders Qwen3's chat_template as HF transformers' apply_chat_template does (jinja2 sandbox, trim_blocks, lstrip_blocks,
loopcontrols, tojson with ensure_ascii=False). Reads a JSON list of {messages, tools, add_generation_prompt, enable_thinking}
on stdin, writes the rendered strings as a JSON list. Needs only jinja2 (Debian: python3-jinja2)."""
import json
import sys

import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment


def tojson(value, indent=None, separators=None, sort_keys=False):
    return json.dumps(value, ensure_ascii=False, indent=indent, separators=separators, sort_keys=sort_keys)


config = json.load(open(sys.argv[1], encoding="utf-8"))
env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
env.filters["tojson"] = tojson
template = env.from_string(config["chat_template"])
requests = json.load(sys.stdin)
rendered = [template.render(bos_token="", eos_token=config["eos_token"], **request) for request in requests]
json.dump(rendered, sys.stdout, ensure_ascii=False)
