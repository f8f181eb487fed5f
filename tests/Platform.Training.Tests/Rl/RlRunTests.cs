using Platform.Training.Graders;
using Platform.Training.Lora;
using Platform.Training.Rl;
using Platform.Training.Tests.Sft;

namespace Platform.Training.Tests.Rl;

[Collection(typeof(GlobalTorchRandom))]
public sealed class RlRunTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("rl-run-");

    [Fact]
    public void A_grpo_run_resumed_from_a_checkpoint_draws_the_same_completions_and_ends_with_the_same_adapter()
    {
        var ct = TestContext.Current.CancellationToken;
        var dataset = Path.Combine(folder.FullName, "four.jsonl");
        File.WriteAllLines(dataset, File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Rl", "Fixtures", "additions.jsonl")).Take(4));
        RlRunOptions Options(string output) => new()
        {
            Type = RlhfType.Grpo, Model = "qwen3-tiny", Dataset = dataset, Output = output, BatchSize = 2, Epochs = 1,
            NumGenerations = 4, MaxCompletionLength = 3, NumIterations = 2, Beta = 0.04, LearningRate = 1e-2, EnableThinking = false,
            Lora = new LoraConfig { Rank = 4, Alpha = 8, Dropout = 0.1 }, Grader = BuiltInGraders.Create(["accuracy", "format"]), Seed = 5,
        };
        var straightSteps = new List<RlStepResult>();
        var straight = RlRun.Run(Options(Path.Combine(folder.FullName, "straight")), new RlRunObserver { Step = straightSteps.Add }, cancellationToken: ct);

        var output = Path.Combine(folder.FullName, "stopped");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var stopped = RlRun.Run(Options(output), new RlRunObserver { Step = _ => stop.Cancel() }, cancellationToken: stop.Token);
        using (var noise = TorchSharp.torch.randn(1000)) { } // draws that must not leak into the resumed run
        var resumedSteps = new List<RlStepResult>();
        var resumed = RlRun.Run(Options(output) with { Resume = Path.Combine(output, "checkpoint-1") },
            new RlRunObserver { Step = resumedSteps.Add }, cancellationToken: ct);

        Assert.Equal((2, false), (straight.Steps, straight.Interrupted));
        Assert.Equal((1, true), (stopped.Steps, stopped.Interrupted));
        Assert.Equal(2, resumed.Steps);
        var (expected, actual) = (straightSteps[1], Assert.Single(resumedSteps));
        Assert.Equal(expected.Metrics["reward"], actual.Metrics["reward"]);
        Assert.Equal(expected.Metrics["completions/mean_length"], actual.Metrics["completions/mean_length"]);
        Assert.Equal(expected.Loss, actual.Loss);
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder.FullName, "straight", LoraAdapter.WeightsFile)),
            File.ReadAllBytes(Path.Combine(output, LoraAdapter.WeightsFile)));
        Assert.True(straightSteps.All(s => s.Metrics.ContainsKey("kl") && s.Metrics.ContainsKey("rewards/format/mean")));
    }

    public void Dispose() => folder.Delete(recursive: true);
}
