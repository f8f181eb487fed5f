using System.Text.Json;
using Platform.Training.Checkpoints;
using Platform.Training.Generation;
using Platform.Training.Lora;
using Platform.Training.Text;

namespace Platform.Api.Tests.Support;

/// <summary>The sample self-cognition set shipped in docs/samples, and greedy answers from a model + adapter.</summary>
internal static class SelfCognition
{
    public static string DatasetPath => Path.Combine(RepoRoot(), "docs", "samples", "self-cognition.jsonl");

    public static IReadOnlyList<(string Prompt, string Answer)> Pairs() =>
        File.ReadLines(DatasetPath).Where(l => l.Length > 0).Select(l =>
        {
            var m = JsonDocument.Parse(l).RootElement.GetProperty("messages");
            return (m[0].GetProperty("content").GetString()!, m[1].GetProperty("content").GetString()!);
        }).ToList();

    /// <summary>Greedy completions of each prompt by qwen3-tiny with the adapter in <paramref name="adapterFolder"/> (none: the base model).</summary>
    public static IReadOnlyList<string> Answer(string? adapterFolder, IEnumerable<string> prompts)
    {
        var tokenizer = Qwen3Tokenizer.Load();
        using var model = BaseModelLoader.Load("qwen3-tiny");
        if (adapterFolder is not null) LoraAdapter.Load(model, adapterFolder);
        var encoded = prompts.Select(p => tokenizer.Encode(ChatTemplate.Render([ChatMessage.User(p)], addGenerationPrompt: true, enableThinking: false))).ToList();
        var generated = new Qwen3Generator(model).Generate(encoded, new GenerationOptions
        {
            MaxNewTokens = 40, StopTokenIds = new HashSet<int> { tokenizer.ImEnd, tokenizer.EndOfText }, PadTokenId = tokenizer.PadTokenId,
        });
        return generated.Select(g => tokenizer.Decode(g.Tokens, skipSpecialTokens: true).Trim()).ToList();
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Platform.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("repo root not found above " + AppContext.BaseDirectory);
    }
}
