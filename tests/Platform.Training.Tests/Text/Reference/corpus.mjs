// Inputs for the encode/decode fixtures: hand-picked cases, then seeded random mixes of the same kinds of text.

const english = [
  "Hello world", "Hello, world!", "The quick brown fox jumps over the lazy dog.", "I'm sure they'll say we'd've done it.",
  "DON'T SHOUT, IT'S LOUD", "don't 'quote' me", "'s 't 're 've 'm 'll 'd", "'S 'T 'RE 'VE 'M 'LL 'D", "x'ſt y'ſ", "rock'n'roll",
  "It's 3:45pm on 2024-06-01.", "e.g. i.e. etc.", "Mr. O'Neil's cat", "A.B.C.", "...!!!???", "— en–dash — em—dash",
  "“Smart quotes” and ‘single’ ones", "snake_case and camelCase and PascalCase", "Hello\tworld", "trailing space ",
  " leading space", "  two leading spaces", "tab\tseparated\tvalues", "CRLF line\r\nnext line\r\n", "a\rb", "\n", " ", "\t",
  "", "a", "I", "0", "!", "'", "''", "' s", "http://example.com/path?q=1&r=2#frag", "user@example.org", "#hashtag @mention",
  "$100.00 €50 £20 ¥1000", "50% off!!!", "1,234,567.89", "3.14159265358979", "0x1F 0b1010 1e-9", "12345678901234567890",
  "Version 2.0.1-beta+build.5", "(parenthesized) [bracketed] {braced} <angled>", "a/b\\c|d", "~`^*_+=",
];

const code = [
  "def add(a, b):\n    return a + b\n",
  "for (int i = 0; i < n; i++) {\n\tsum += a[i];\n}",
  "public sealed record ChatMessage(string Role, string Content);",
  "if x == 1:\n    pass\n\n\n\nelse:\n        y = 2  # comment",
  "const f = async (x) => { await g(x); };\n",
  "SELECT id, name FROM users WHERE age >= 18 ORDER BY name;",
  "<div class=\"a\"><span>text</span></div>",
  "{\"key\": [1, 2, 3], \"nested\": {\"a\": null, \"b\": true}}",
  "#include <stdio.h>\nint main(void) { printf(\"%d\\n\", 42); }",
  "    \n    \n        indented\n",
  "fn main() -> Result<(), Box<dyn Error>> { Ok(()) }",
  "x+=1;y-=2;z*=3;w/=4;", "a!==b&&c||d??e", "```python\nprint('hi')\n```", "--flag=value -v --verbose",
  "// TODO: fix this\n/* block */", "lambda x: x**2", "arr[::-1]", "@decorator\nclass A(B, metaclass=M): ...",
];

const whitespace = [
  "a  b", "a   b", "a    b", "a\n\nb", "a\n \nb", "a \n b", "a\t\t\tb", "   ", "          ", "\n\n\n", "\n\n\n\n\n\n\n\n",
  " \n", "\n ", " \n ", "\t\n\t", "\r\n\r\n", "end with newline\n", "end with spaces   ", "   \n\n   text", "x\u00a0y",
  "x\u3000y", "x\u2003y", "x\u2028y", "x\u2029y", "x\u0085y", "x\u000by", "x\u000cy", "x\u200by", "x\ufeffy", "\ufeffbom",
  "word\u00a0\u00a0word", "  \u00a0 ", "a \u00a0b", "a\u00a0 b", "\u2003\u2003indent",
];

const cjk = [
  "你好，世界！", "我爱自然语言处理。", "今天天气很好，我们去公园散步吧。", "中文English混合text测试", "数字123和字母abc",
  "「引用」『二重』", "北京市海淀区", "こんにちは世界", "日本語のテキストです。", "カタカナとひらがな", "東京タワー",
  "ｆｕｌｌｗｉｄｔｈ　ｔｅｘｔ", "１２３４５", "안녕하세요 세계", "한국어 텍스트", "𠀀𠀁𠀂 supplementary CJK", "𪚥 and 𩸽",
  "中文 空格  两个", "中文\n换行", "全角！？。，", "漢字かなカナ混じり文",
];

const otherScripts = [
  "Привет, мир!", "Ελληνικά γράμματα", "مرحبا بالعالم", "שלום עולם", "नमस्ते दुनिया", "हिन्दी भाषा", "สวัสดีชาวโลก",
  "ภาษาไทย", "Tiếng Việt có dấu", "Ça va? Où êtes-vous?", "Straße Größe Übermaß", "İstanbul ılık", "Ǆ ǅ ǆ titlecase",
  "ﬁ ﬂ ligatures", "ⅠⅡⅢ roman ²³ ½ ¾", "٠١٢٣ arabic digits", "߀߁ nko", "ᚠᛇᚻ runes", "𝐀𝐁𝐂 math bold", "𝟎𝟏𝟐 math digits",
  "ℌℑℜ", "Ωmega ℃ ℉ K", "μ µ", "ß ẞ", "ǅungla",
];

const emoji = [
  "😀", "😀😃😄", "I ❤️ you", "👍🏽", "👨‍👩‍👧‍👦 family", "🏳️‍🌈", "🇺🇸🇯🇵", "🧑🏿‍💻 coder", "😀abc", "abc😀", "😀 😀",
  "1️⃣ keycap", "©️®️™️", "emoji🙂in🙂text", "🤖: beep", "✨new✨", "🔥🔥🔥🔥🔥", "👩🏻‍🤝‍👩🏾", "☺︎ text style", "🫠🫡",
];

const normalization = [
  "e\u0301", "cafe\u0301", "café", "A\u030a", "Å", "\u212b", "o\u0308o\u0308", "n\u0303", "\u1100\u1161\u11a8",
  "한\u1100\u1161", "\u0071\u0307\u0323", "\u1e0b\u0323", "a\u0301\u0301", "\u0301start combining", "x\u0338", ">\u0338",
  "<think>\u0338", "\u0958", "\u2126 ohm", "\u00c5\u030a", "ḱ\u0301", "Ｅ\u0301", "s\u0323\u0307", "\u1e9b\u0323",
  "\u0041\u0308\u0304", "\u01d5", "\uac00\u11a8", "\u30ab\u3099", "\u304b\u3099", "e\u0301\u0302\u0303\u0304\u0305",
];

const special = [
  "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|im_start|>user\nHi<|im_end|>\n", "text<|endoftext|>more",
  "<|im_start|><|im_end|><|endoftext|>", "<think>", "</think>", "<think>\nreasoning\n</think>\n\nanswer", "<think></think>",
  "<tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call>", "<tool_response>\nok\n</tool_response>",
  "<|fim_prefix|>a<|fim_suffix|>b<|fim_middle|>", "<|vision_start|><|image_pad|><|vision_end|>", "<|box_start|>(1,2)<|box_end|>",
  "<|object_ref_start|>cat<|object_ref_end|>", "<|quad_start|><|quad_end|>", "<|repo_name|>repo<|file_sep|>file.py",
  "<|im_start", "im_start|>", "<|im_end|", "< |im_end|>", "<<|im_end|>>", "<|im_end|><|im_end|>", " <|im_end|> ",
  "<thinking>", "<think >", "</ think>", "<|unknown|>", "<|endoftext|>\n\n<|endoftext|>", "a<think>b</think>c",
  "<|im_start|>assistant\n<think>\n\n</think>\n\n", "<|video_pad|><|vision_pad|>", "<|fim_pad|>",
];

const longTexts = [
  "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(40),
  "数据集上传后需要计算每个样本的标记数量，以便估算训练成本。".repeat(20),
  " ".repeat(300), "\n".repeat(100), "=".repeat(500), "ab".repeat(400), "😀".repeat(60), "a".repeat(1000),
  "1234567890".repeat(30), "-_".repeat(150) + "\n",
];

export const all = [english, code, whitespace, cjk, otherScripts, emoji, normalization, special];

/** Deterministic PRNG (mulberry32) so the corpus is identical on every run. */
export function mulberry32(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const codePointRanges = [
  [0x20, 0x7e], [0xa0, 0x24f], [0x300, 0x36f], [0x370, 0x3ff], [0x400, 0x4ff], [0x590, 0x6ff], [0x900, 0x97f],
  [0xe00, 0xe7f], [0x1100, 0x11ff], [0x2000, 0x206f], [0x2190, 0x23ff], [0x3000, 0x30ff], [0x4e00, 0x9fff],
  [0xac00, 0xd7a3], [0xff00, 0xffef], [0x1d400, 0x1d7ff], [0x1f300, 0x1faff], [0x20000, 0x2a6df],
];

function randomCodePoints(rand, count) {
  let s = "";
  for (let i = 0; i < count; i++) {
    const [lo, hi] = codePointRanges[Math.floor(rand() * codePointRanges.length)];
    s += String.fromCodePoint(lo + Math.floor(rand() * (hi - lo + 1)));
  }
  return s;
}

const joiners = [" ", "", "\n", "  ", "\t", "\n\n", " \n", "\r\n", "   ", "\u00a0"];

export function buildCorpus() {
  const rand = mulberry32(20250601);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const texts = [...all.flat(), ...longTexts];
  for (let i = 0; i < 250; i++) {
    const parts = [];
    const n = 2 + Math.floor(rand() * 5);
    for (let p = 0; p < n; p++) parts.push(rand() < 0.2 ? randomCodePoints(rand, 1 + Math.floor(rand() * 12)) : pick(pick(all)));
    texts.push(parts.map((part, k) => (k === 0 ? part : pick(joiners) + part)).join(""));
  }
  for (let i = 0; i < 60; i++) texts.push(randomCodePoints(rand, 5 + Math.floor(rand() * 40)));
  // Short strings over the characters each alternative of the split pattern turns on, to exercise its boundaries.
  const boundary = [" ", " ", "\n", "\r", "\t", "\u00a0", "\u3000", "a", "Z", "1", "٣", "!", ".", "'", "s", "T", "re", "LL",
    "ſ", "é", "\u0301", "中", "😀", "𝐀", "𝟎", "\u200d", "\ufeff", "<|im_end|>", "<think>"];
  for (let i = 0; i < 200; i++)
    texts.push(Array.from({ length: 3 + Math.floor(rand() * 14) }, () => pick(boundary)).join(""));
  return [...new Set(texts)];
}
