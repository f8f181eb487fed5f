using System.Text.Json;
using Platform.Training.Checkpoints;
using Platform.Training.Generation;
using Platform.Training.Lora;
using Platform.Training.Text;

namespace Platform.Cli.Commands;

/// <summary>
/// ms-swift's <c>swift infer</c> on stdin: each line a prompt (plain text, or {"messages":[…]}), one reply per line
/// out, in order (newlines inside a reply written as \n). Decoded in batches.
/// </summary>
internal sealed class InferCommand(TextReader? input = null, TextWriter? output = null) : ICommand
{
    public string Name => "infer";
    public string Usage =>
        "--model <preset|folder> [--adapter <dir>] [--temperature <0>] [--top-p <1>] [--top-k <0>] [--max-new-tokens <256>] " +
        "[--seed <n>] [--batch-size <16>] [--system <text>] [--no-thinking]";
    public string Summary => "reply to each stdin line (text or {\"messages\":[…]}) with the model, one line each";

    public async Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var modelName = args.Require("model");
        var adapter = args.Get("adapter");
        var options = new GenerationOptions
        {
            Temperature = args.Double("temperature", 0),
            TopP = args.Double("top-p", 1.0),
            TopK = args.Int("top-k", 0),
            MaxNewTokens = args.Int("max-new-tokens", 256),
            Seed = args.Get("seed") is null ? null : (ulong)args.Int("seed", 0),
        };
        var batchSize = args.Int("batch-size", 16);
        var system = args.Get("system");
        var thinking = !args.Flag("no-thinking");
        args.RejectUnknown();

        var text = input is null ? await StdIn.ReadAllAsync(cancellationToken) : await input.ReadToEndAsync(cancellationToken);
        var conversations = text
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select((line, i) => Conversation(line, i + 1, system)).ToList();
        if (conversations.Count == 0) return 0;
        using var model = BaseModelLoader.Load(modelName, cancellationToken: cancellationToken);
        if (adapter is not null) LoraAdapter.Load(model, adapter, cancellationToken: cancellationToken);
        var completion = new ChatCompletion(model, BaseModelLoader.LoadTokenizer(modelName));
        foreach (var batch in conversations.Chunk(Math.Max(1, batchSize)))
            foreach (var reply in completion.Complete(batch, options, thinking, batchSize, cancellationToken))
                (output ?? Console.Out).WriteLine(reply.Replace("\n", "\\n", StringComparison.Ordinal));
        return 0;
    }

    private static IReadOnlyList<ChatMessage> Conversation(string line, int number, string? system)
    {
        var messages = new List<ChatMessage>();
        if (system is not null) messages.Add(ChatMessage.System(system));
        if (!line.StartsWith('{')) return [.. messages, ChatMessage.User(line)];
        try
        {
            using var doc = JsonDocument.Parse(line);
            var turns = doc.RootElement.GetProperty("messages").EnumerateArray()
                .Select(ChatMessage.FromJson).ToList();
            // a conversation that brings its own system prompt keeps it
            return turns.Any(t => t.Role == "system") ? turns : [.. messages, .. turns];
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new CliException($"stdin line {number}: not {{\"messages\":[…]}} ({e.Message})");
        }
    }
}
