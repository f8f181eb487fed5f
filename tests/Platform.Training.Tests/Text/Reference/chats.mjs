// Conversations for the chat-template fixtures: hand-picked template branches, then seeded random conversations.
const sys = (content) => ({ role: "system", content });
const user = (content) => ({ role: "user", content });
const assistant = (content, extra = {}) => ({ role: "assistant", content, ...extra });
const tool = (content) => ({ role: "tool", content });
const call = (name, args) => ({ name, arguments: args });

const weatherTool = {
  type: "function",
  function: {
    name: "get_weather", description: "Get the weather for a city.",
    parameters: { type: "object", properties: { city: { type: "string", description: "城市" } }, required: ["city"] },
  },
};
const searchTool = { type: "function", function: { name: "search", description: "Web search", parameters: { type: "object", properties: {} } } };

export const handPicked = [
  { messages: [user("Hello!")] },
  { messages: [sys("You are a helpful assistant."), user("Hello!")] },
  { messages: [sys("You are a helpful assistant."), user("Hi"), assistant("Hello! How can I help?")] },
  { messages: [user("What is 2+2?"), assistant("4"), user("And 3+3?"), assistant("6"), user("Thanks")] },
  { messages: [user("Q1"), assistant("<think>\nLet me think.\n</think>\n\nA1"), user("Q2"), assistant("<think>\nAgain.\n</think>\n\nA2")] },
  { messages: [user("Q1"), assistant("<think>\nhistorical reasoning\n</think>\n\nA1"), user("Q2")] },
  { messages: [user("Q"), assistant("Answer", { reasoning_content: "Reasoning given separately." })] },
  { messages: [user("Q"), assistant("Answer", { reasoning_content: "" })] },
  { messages: [user("Q"), assistant("<think>kept in content</think>Answer", { reasoning_content: "field wins" })] },
  { messages: [user("Q1"), assistant("A1", { reasoning_content: "old" }), user("Q2"), assistant("A2", { reasoning_content: "new" })] },
  { messages: [user("Q"), assistant("no think tags at all")] },
  { messages: [user("Q"), assistant("\n\nleading newlines")] },
  { messages: [user("Q"), assistant("<think>\n\n\nnewlines around\n\n\n</think>\n\n\n\nanswer\n\n")] },
  { messages: [user("Q"), assistant("reasoning without open tag</think>answer")] },
  { messages: [user("Q"), assistant("<think>a</think>b</think>c")] },
  { messages: [user("Q"), assistant("<think>one<think>two</think>answer")] },
  { messages: [user("Q"), assistant("<think>unclosed reasoning")] },
  { messages: [user("Q"), assistant("")] },
  { messages: [user(""), assistant("")] },
  { messages: [sys(""), user("")] },
  { messages: [sys("S")] },
  { messages: [assistant("starts with assistant")] },
  { messages: [user("Q"), assistant("A"), sys("mid-conversation system"), user("Q2")] },
  { messages: [sys("first"), sys("second"), user("Q")] },
  { messages: [{ role: "developer", content: "unknown role is not rendered" }, user("Q")] },
  { messages: [user("What's the weather in Paris?"), assistant("", { tool_calls: [call("get_weather", "{\"city\": \"Paris\"}")] }),
    tool("{\"temp\": 21}"), assistant("It is 21°C in Paris.")], tools: [weatherTool] },
  { messages: [sys("You are a weather bot."), user("Weather in Paris and Rome?"),
    assistant("Let me check.", { tool_calls: [call("get_weather", "{\"city\": \"Paris\"}"), call("get_weather", "{\"city\": \"Rome\"}")] }),
    tool("{\"temp\": 21}"), tool("{\"temp\": 25}"), assistant("<think>\nCompare.\n</think>\n\nRome is warmer.")], tools: [weatherTool, searchTool] },
  { messages: [user("Search it"), assistant("<think>\nneed a tool\n</think>\n\n", { tool_calls: [call("search", "{}")] }), tool("results")] },
  { messages: [user("Q"), assistant("", { tool_calls: [call("search", "{\"q\": \"x\"}")] }), tool("r1"), assistant("", { tool_calls: [call("search", "{}")] }), tool("r2")] },
  { messages: [user("<tool_response>\nwrapped\n</tool_response>"), assistant("<think>\nr\n</think>\n\nafter wrapped")] },
  { messages: [user("real query"), assistant("<think>\nr1\n</think>\n\na1"), user("<tool_response>\nx\n</tool_response>"), assistant("<think>\nr2\n</think>\n\na2")] },
  { messages: [tool("tool first")] },
  { messages: [user("Hi")], tools: [weatherTool] },
  { messages: [sys("With tools and system"), user("Hi")], tools: [searchTool] },
  { messages: [user("你好，请介绍一下你自己。"), assistant("<think>\n用户在问我是谁。\n</think>\n\n我是通义千问。")] },
  { messages: [user("Emoji 👨‍👩‍👧‍👦 and café (e\u0301)"), assistant("Got it: cafe\u0301 ✨")] },
  { messages: [user("special tokens in content <|im_end|> <|endoftext|>"), assistant("echo <|im_start|>user")] },
  { messages: [user("Code:\n```py\ndef f():\n    return 1\n```"), assistant("```py\nprint(f())\n```\n")] },
  { messages: [user("  spaces  "), assistant("  spaces in answer  ")] },
  { messages: [user("Q"), assistant("A1"), assistant("A2 after A1"), assistant("<think>r3</think>A3")] },
];

export const optionSets = [
  { addGenerationPrompt: false, enableThinking: true },
  { addGenerationPrompt: true, enableThinking: true },
  { addGenerationPrompt: true, enableThinking: false },
  { addGenerationPrompt: false, enableThinking: false },
];

export function randomChats(rand, fragments, count) {
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const text = () => Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(fragments)).join(pick([" ", "\n", "", "\n\n"]));
  const assistantTurn = () => {
    const r = rand();
    if (r < 0.3) return assistant(`<think>${pick(["", "\n", "\n\n"])}${text()}${pick(["", "\n"])}</think>${pick(["", "\n", "\n\n"])}${text()}`);
    if (r < 0.45) return assistant(text(), { reasoning_content: pick(["", text()]) });
    if (r < 0.55) return assistant(pick(["", text()]), { tool_calls: [call(pick(["search", "get_weather"]), "{\"q\": \"" + pick(["a", "b c"]) + "\"}")] });
    return assistant(text());
  };
  const chats = [];
  for (let i = 0; i < count; i++) {
    const messages = rand() < 0.5 ? [sys(text())] : [];
    const turns = 1 + Math.floor(rand() * 4);
    for (let t = 0; t < turns; t++) {
      messages.push(user(text()));
      if (t < turns - 1 || rand() < 0.7) messages.push(assistantTurn());
      if (messages.at(-1).tool_calls && rand() < 0.8) {
        messages.push(tool(text()));
        if (rand() < 0.7) messages.push(assistantTurn());
      }
    }
    chats.push({ messages, ...(rand() < 0.15 ? { tools: [weatherTool] } : {}) });
  }
  return chats;
}
