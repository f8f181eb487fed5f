using static Platform.Cli.Commands.TrainingArgs;
using System.Globalization;
using Platform.Training.Graders;
using Platform.Training.Lora;
using Platform.Training.Rl;
using Platform.Training.Sft;

namespace Platform.Cli.Commands;

/// <summary>ms-swift's <c>swift rlhf</c>: DPO on preference JSONL or GRPO on prompt JSONL with graders; a PEFT adapter out.</summary>
internal sealed class RlhfCommand : ICommand
{
    public string Name => "rlhf";
    public string Usage =>
        "--rlhf-type <dpo|grpo> --model <preset|folder> --dataset <file.jsonl> --output <dir> [--adapter <sft adapter dir>] " +
        "[--beta <0.1 dpo, 0.04 grpo>] [--label-smoothing <0>] [--reward-funcs <accuracy,format>] [--grader <grader.json>] " +
        "[--num-generations <8>] [--max-completion-length <512>] [--temperature <1.0>] [--top-p <1.0>] [--epsilon <0.2>] " +
        "[--epsilon-high <n>] [--loss-type <grpo|dr_grpo|dapo>] [--no-scale-rewards] [--num-iterations <1>] [--no-thinking] " +
        "[--flat-reward-steps <3>] [--fail-on-warnings] " +
        "[--lora-rank <8>] [--lora-alpha <32>] [--lora-dropout <0>] [--target-modules <all-linear|q_proj,v_proj>] [--epochs <1>] " +
        "[--batch-size <1>] [--grad-accum <1>] [--lr <1e-5>] [--schedule <cosine|linear|constant>] [--warmup-ratio <0>] " +
        "[--max-length <2048>] [--max-grad-norm <1>] [--save-steps <500>] [--save-total-limit <2>] [--seed <42>] [--resume <checkpoint dir>]";
    public string Summary => "preference (DPO) or reinforcement (GRPO with graders) training of a LoRA adapter; Ctrl-C saves a checkpoint and stops";

    public Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var options = Parse(args);
        args.RejectUnknown();
        RlRunResult result;
        try
        {
            result = RlRun.Run(options, new RlRunObserver
            {
                Started = (start, total) => Console.WriteLine($"{options.Type.ToString().ToLowerInvariant()}: steps {start + 1}..{total}"),
                Step = s => Console.WriteLine(StepLine(s)),
                Saved = dir => Console.WriteLine($"saved {dir}"),
            }, cancellationToken: cancellationToken);
        }
        catch (DegenerateTrainingException e)
        {
            Console.Error.WriteLine($"{e.Message} (--fail-on-warnings)");
            return Task.FromResult(1);
        }
        Console.WriteLine(result.Interrupted
            ? $"stopped at step {result.Steps}/{result.MaxSteps}; resume with --resume {Path.Combine(options.Output, $"checkpoint-{result.Steps}")}"
            : $"done: {result.Steps} steps; adapter in {options.Output}");
        return Task.FromResult(result.Interrupted ? 130 : 0);
    }

    /// <summary>"step 3/10 loss 0.6931 reward 0.500 …" with every metric, then the step's warnings.</summary>
    internal static string StepLine(RlStepResult s) =>
        $"step {s.Step} loss {s.Loss:F4} grad_norm {s.GradNorm:F3} lr {s.LearningRate:E2} {s.Elapsed.TotalMilliseconds:F0} ms " +
        string.Join(' ', s.Metrics.Where(m => m.Key != "loss").Select(m => $"{m.Key} {m.Value.ToString("0.####", CultureInfo.InvariantCulture)}")) +
        string.Concat(s.Warnings.Select(w => $"\n  warning: {w}"));

    private static RlRunOptions Parse(CliArgs args)
    {
        var type = args.Choice("rlhf-type", "dpo", "grpo") == "dpo" ? RlhfType.Dpo : RlhfType.Grpo;
        var defaults = new RlRunOptions { Type = type, Model = "", Dataset = "", Output = "" };
        var options = defaults with
        {
            Model = args.Require("model"),
            Dataset = ExistingFile(args.Require("dataset")),
            Output = args.Require("output"),
            Adapter = args.Get("adapter"),
            Beta = args.Get("beta") is null ? null : args.Double("beta", 0),
            LabelSmoothing = args.Double("label-smoothing", 0),
            Grader = ParseGrader(args, type),
            NumGenerations = Positive(args, "num-generations", defaults.NumGenerations),
            MaxCompletionLength = Positive(args, "max-completion-length", defaults.MaxCompletionLength),
            Temperature = args.Double("temperature", defaults.Temperature),
            TopP = args.Double("top-p", defaults.TopP),
            Epsilon = args.Double("epsilon", defaults.Epsilon),
            EpsilonHigh = args.Get("epsilon-high") is null ? null : args.Double("epsilon-high", 0),
            LossType = args.Choice("loss-type", "grpo", "dr_grpo", "dapo") switch { "dr_grpo" => GrpoLossType.DrGrpo, "dapo" => GrpoLossType.Dapo, _ => GrpoLossType.Grpo },
            ScaleRewards = !args.Flag("no-scale-rewards"),
            NumIterations = Positive(args, "num-iterations", defaults.NumIterations),
            EnableThinking = !args.Flag("no-thinking"),
            FlatRewardSteps = Positive(args, "flat-reward-steps", defaults.FlatRewardSteps),
            FailOnWarnings = args.Flag("fail-on-warnings"),
            Lora = TrainingArgs.Lora(args, defaults.Lora),
            Epochs = args.Double("epochs", defaults.Epochs),
            BatchSize = Positive(args, "batch-size", defaults.BatchSize),
            GradientAccumulationSteps = Positive(args, "grad-accum", defaults.GradientAccumulationSteps),
            LearningRate = args.Double("lr", defaults.LearningRate),
            Schedule = Enum.Parse<LearningRateScheduleKind>(args.Choice("schedule", "cosine", "linear", "constant"), ignoreCase: true),
            WarmupRatio = args.Double("warmup-ratio", defaults.WarmupRatio),
            MaxLength = Positive(args, "max-length", defaults.MaxLength),
            MaxGradNorm = args.Double("max-grad-norm", defaults.MaxGradNorm),
            SaveSteps = Positive(args, "save-steps", defaults.SaveSteps),
            SaveTotalLimit = args.Int("save-total-limit", defaults.SaveTotalLimit),
            Seed = (ulong)args.Int("seed", (int)defaults.Seed),
            Resume = args.Get("resume"),
        };
        if (type == RlhfType.Grpo && options.NumGenerations < 2) throw new CliException("--num-generations must be at least 2");
        if (type == RlhfType.Grpo && options.GradientAccumulationSteps != 1) throw new CliException("--grad-accum is for dpo; GRPO's step is one rollout batch");
        return options;
    }

    /// <summary>GRPO's reward: a grader JSON file (OpenAI's shape), or built-in --reward-funcs (default accuracy).</summary>
    private static Grader? ParseGrader(CliArgs args, RlhfType type)
    {
        var file = args.Get("grader");
        var funcs = args.Get("reward-funcs");
        if (type == RlhfType.Dpo) return file is null && funcs is null ? null : throw new CliException("--grader and --reward-funcs are for grpo");
        if (file is not null && funcs is not null) throw new CliException("give --grader or --reward-funcs, not both");
        try
        {
            if (file is not null) return GraderParser.Parse(File.ReadAllText(ExistingFile(file)));
            return BuiltInGraders.Create((funcs ?? "accuracy").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        catch (GraderDefinitionException e) { throw new CliException($"--grader {file}: {e.Message}"); }
        catch (ArgumentException e) { throw new CliException($"--reward-funcs: {e.Message}"); }
    }
}
