using static Platform.Cli.Commands.TrainingArgs;
using Platform.Training.Lora;
using Platform.Training.Sft;

namespace Platform.Cli.Commands;

/// <summary>ms-swift's <c>swift sft</c>: chat JSONL in, a PEFT adapter (LoRA) or an HF model folder (full) out.</summary>
internal sealed class SftCommand : ICommand
{
    public string Name => "sft";
    public string Usage =>
        "--model <preset|folder> --dataset <file.jsonl> --output <dir> [--val-dataset <file.jsonl>] [--train-type <lora|full>] " +
        "[--lora-rank <8>] [--lora-alpha <32>] [--lora-dropout <0.05>] [--target-modules <all-linear|q_proj,v_proj>] " +
        "[--epochs <3>] [--batch-size <1>] [--grad-accum <1>] [--lr <1e-4>] [--schedule <cosine|linear|constant>] " +
        "[--warmup-ratio <0>] [--warmup-steps <n>] [--max-length <2048>] [--max-grad-norm <1>] [--save-steps <500>] " +
        "[--save-total-limit <2>] [--eval-steps <500>] [--seed <42>] [--resume <checkpoint dir>] [--loss-scale <default|ignore_empty_think>]";
    public string Summary => "supervised fine-tuning (LoRA or full) on chat JSONL; Ctrl-C saves a checkpoint and stops";

    public Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var options = Parse(args);
        args.RejectUnknown();
        var result = SftProgress.Run(options, cancellationToken);
        Console.WriteLine(result.Interrupted
            ? $"stopped at step {result.Steps}/{result.MaxSteps}; resume with --resume {Path.Combine(options.Output, $"checkpoint-{result.Steps}")}"
            : $"done: {result.Steps} steps, last loss {result.LastLoss:F4}; {(options.FullFineTune ? "model" : "adapter")} in {options.Output}");
        return Task.FromResult(result.Interrupted ? 130 : 0);
    }

    private static SftRunOptions Parse(CliArgs args)
    {
        var defaults = new SftRunOptions { Model = "", Dataset = "", Output = "" };
        var full = args.Choice("train-type", "lora", "full") == "full";
        return defaults with
        {
            Model = args.Require("model"),
            Dataset = ExistingFile(args.Require("dataset")),
            ValDataset = args.Get("val-dataset") is { } val ? ExistingFile(val) : null,
            Output = args.Require("output"),
            FullFineTune = full,
            Lora = TrainingArgs.Lora(args, defaults.Lora),
            Epochs = args.Double("epochs", defaults.Epochs),
            BatchSize = Positive(args, "batch-size", defaults.BatchSize),
            GradientAccumulationSteps = Positive(args, "grad-accum", defaults.GradientAccumulationSteps),
            LearningRate = args.Double("lr", defaults.LearningRate),
            Schedule = Enum.Parse<LearningRateScheduleKind>(args.Choice("schedule", "cosine", "linear", "constant"), ignoreCase: true),
            WarmupRatio = args.Double("warmup-ratio", defaults.WarmupRatio),
            WarmupSteps = args.Get("warmup-steps") is null ? null : args.Int("warmup-steps", 0),
            MaxLength = Positive(args, "max-length", defaults.MaxLength),
            MaxGradNorm = args.Double("max-grad-norm", defaults.MaxGradNorm),
            SaveSteps = Positive(args, "save-steps", defaults.SaveSteps),
            SaveTotalLimit = args.Int("save-total-limit", defaults.SaveTotalLimit),
            EvalSteps = Positive(args, "eval-steps", defaults.EvalSteps),
            Seed = (ulong)args.Int("seed", (int)defaults.Seed),
            Resume = args.Get("resume"),
            LossScale = args.Choice("loss-scale", "default", "ignore_empty_think") == "default" ? LossScale.Default : LossScale.IgnoreEmptyThink,
        };
    }
}
