using Platform.Training.Parity;

namespace Platform.Cli.Commands;

/// <summary>
/// Writes the fixtures that tools/gpucheck/check.py compares with transformers + peft (on a machine with them; see
/// docs/parity.md): small random Qwen3 folders, PEFT adapters, and this engine's logits and greedy tokens.
/// </summary>
internal sealed class ParityCommand : ICommand
{
    public string Name => "parity";
    public string Usage => "--output <dir> [--seed <0>]";
    public string Summary => "write random Qwen3 + LoRA fixtures with our logits and greedy tokens, for tools/gpucheck/check.py";

    public Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var output = args.Require("output");
        var seed = (ulong)args.Int("seed", 0);
        args.RejectUnknown();
        ParityFixture.Write(output, seed, cancellationToken);
        Console.WriteLine($"parity fixtures ({string.Join(", ", ParityFixture.Variants.Keys)}) in {output}");
        return Task.FromResult(0);
    }
}
