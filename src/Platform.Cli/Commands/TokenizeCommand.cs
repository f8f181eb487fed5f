using Platform.Training.Text;

namespace Platform.Cli.Commands;

/// <summary>Reads text on stdin (exactly, newlines included) and prints Qwen3 token ids as a JSON array.</summary>
internal sealed class TokenizeCommand : ICommand
{
    public string Name => "tokenize";
    public string Usage => "[--tokenizer <tokenizer.json>]";
    public string Summary => "print the Qwen3 token ids of stdin as a JSON array";

    public async Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var path = args.Get("tokenizer");
        args.RejectUnknown();
        var tokenizer = path is null ? Qwen3Tokenizer.Load() : Qwen3Tokenizer.Load(path);
        var text = await StdIn.ReadAllAsync(cancellationToken);
        Console.Out.Write("[" + string.Join(",", tokenizer.Encode(text)) + "]\n");
        return 0;
    }
}
