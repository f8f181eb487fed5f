using System.Text;
using System.Text.Json.Serialization;
using Platform.Inference.Engine;

namespace Platform.Api.Apis;

/// <summary>OpenAI's chat.completion object.</summary>
public sealed record ChatCompletionObject(string Id, long Created, string Model, IReadOnlyList<ChatChoice> Choices, UsageObject Usage,
    string? SystemFingerprint = null, string Object = "chat.completion");

public sealed record ChatChoice(int Index, ChatReply Message, ChatLogprobs? Logprobs, string FinishReason);

public sealed record ChatReply(string Content, string? ReasoningContent, string Role = "assistant");

/// <summary>One chat.completion.chunk event of a stream.</summary>
public sealed record ChatCompletionChunk(string Id, long Created, string Model, IReadOnlyList<ChunkChoice> Choices, UsageObject? Usage,
    string? SystemFingerprint = null, string Object = "chat.completion.chunk");

public sealed record ChunkChoice(int Index, ChunkDelta Delta, ChatLogprobs? Logprobs, string? FinishReason);

public sealed record ChunkDelta(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ReasoningContent = null);

public sealed record ChatLogprobs(IReadOnlyList<LogprobEntry> Content)
{
    public static ChatLogprobs? From(IEnumerable<TokenLogprob?> tokens)
    {
        var entries = tokens.OfType<TokenLogprob>().Select(LogprobEntry.From).ToList();
        return entries.Count == 0 ? null : new ChatLogprobs(entries);
    }
}

public sealed record LogprobEntry(string Token, double Logprob, int[] Bytes, IReadOnlyList<TopLogprob> TopLogprobs)
{
    public static LogprobEntry From(TokenLogprob t) =>
        new(t.Token, t.Logprob, Utf8(t.Token), t.Top.Select(a => new TopLogprob(a.Token, a.Logprob, Utf8(a.Token))).ToList());

    private static int[] Utf8(string text) => Encoding.UTF8.GetBytes(text).Select(b => (int)b).ToArray();
}

public sealed record TopLogprob(string Token, double Logprob, int[] Bytes);

public sealed record UsageObject(int PromptTokens, int CompletionTokens, int TotalTokens)
{
    public static UsageObject Of(int prompt, int completion) => new(prompt, completion, prompt + completion);
}

/// <summary>OpenAI's text_completion object (also each event of a /v1/completions stream).</summary>
public sealed record TextCompletionObject(string Id, long Created, string Model, IReadOnlyList<TextChoice> Choices, UsageObject? Usage,
    string? SystemFingerprint = null, string Object = "text_completion");

public sealed record TextChoice(int Index, string Text, TextLogprobs? Logprobs, string? FinishReason);

/// <summary>The legacy completions logprobs shape.</summary>
public sealed record TextLogprobs(IReadOnlyList<string> Tokens, IReadOnlyList<double> TokenLogprobs, IReadOnlyList<Dictionary<string, double>> TopLogprobs, IReadOnlyList<int> TextOffset)
{
    public static TextLogprobs? From(IReadOnlyList<TokenLogprob?> tokens, int offset)
    {
        var list = tokens.OfType<TokenLogprob>().ToList();
        if (list.Count == 0) return null;
        var offsets = new List<int>();
        foreach (var t in list)
        {
            offsets.Add(offset);
            offset += t.Token.Length;
        }
        return new TextLogprobs(list.Select(t => t.Token).ToList(), list.Select(t => t.Logprob).ToList(),
            list.Select(t => t.Top.GroupBy(a => a.Token).ToDictionary(g => g.Key, g => g.First().Logprob)).ToList(), offsets);
    }
}

public static class FinishReasons
{
    public const string ContentFilter = "content_filter";

    public static string Name(FinishReason? reason) => reason == FinishReason.Stop ? "stop" : "length";
}
