using Platform.Training.Lora;

namespace Platform.Cli.Commands;

/// <summary>The options `sft` and `rlhf` share: the LoRA settings and the checks on counts and files.</summary>
internal static class TrainingArgs
{
    /// <summary>--lora-rank, --lora-alpha, --lora-dropout, --target-modules (comma-separated), each defaulting to <paramref name="defaults"/>.</summary>
    public static LoraConfig Lora(CliArgs args, LoraConfig defaults) => new()
    {
        Rank = args.Int("lora-rank", defaults.Rank),
        Alpha = args.Double("lora-alpha", defaults.Alpha),
        Dropout = args.Double("lora-dropout", defaults.Dropout),
        TargetModules = args.Get("target-modules")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        ?? defaults.TargetModules,
    };

    public static int Positive(CliArgs args, string name, int fallback) =>
        args.Int(name, fallback) is var v and > 0 ? v : throw new CliException($"--{name} must be positive");

    public static string ExistingFile(string path) => File.Exists(path) ? path : throw new CliException($"no such file: {path}");
}
