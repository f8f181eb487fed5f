using Platform.Training.Checkpoints;
using Platform.Training.Lora;
using Platform.Training.Sft;

namespace Platform.Training.Tests.Sft;

/// <summary>The path of <c>platform sft</c> then <c>platform infer --adapter</c>, interrupted once and resumed.</summary>
[Collection(typeof(GlobalTorchRandom))]
public sealed class SftRunTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("sft-run-");

    [Fact]
    public void Interrupted_then_resumed_run_writes_an_adapter_that_answers_every_self_cognition_prompt()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new SftRunOptions
        {
            Model = "qwen3-tiny", Dataset = SelfCognition.DatasetPath, ValDataset = SelfCognition.DatasetPath, Output = folder.FullName,
            Lora = new LoraConfig { Rank = 8, Alpha = 16 }, Epochs = 20, BatchSize = 9, LearningRate = 1e-2,
            Schedule = LearningRateScheduleKind.Linear, SaveSteps = 4, SaveTotalLimit = 2, EvalSteps = 100,
        };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var first = SftRun.Run(options, new SftRunObserver { Step = s => { if (s.Step == 6) stop.Cancel(); } }, cancellationToken: stop.Token);
        var evaluations = new List<SftEvalResult>();
        var resumed = SftRun.Run(options with { Resume = Path.Combine(folder.FullName, "checkpoint-6") },
            new SftRunObserver { Evaluated = (_, e) => evaluations.Add(e) }, cancellationToken: ct);

        using var model = BaseModelLoader.Load("qwen3-tiny", cancellationToken: ct);
        LoraAdapter.Load(model, folder.FullName, cancellationToken: ct);
        var answers = SelfCognition.Answer(model, ct);

        Assert.Equal((6, true), (first.Steps, first.Interrupted));
        Assert.Equal((20, false), (resumed.Steps, resumed.Interrupted));
        Assert.Equal(["checkpoint-16", "checkpoint-20"], folder.GetDirectories("checkpoint-*").Select(d => d.Name).Order(StringComparer.Ordinal));
        Assert.Equal(SelfCognition.Pairs.Select(p => p.Answer), answers);
        var eval = Assert.Single(evaluations);
        Assert.Equal(1.0, eval.TokenAccuracy);
        Assert.InRange(eval.Perplexity, 1, 10);
    }

    public void Dispose() => folder.Delete(recursive: true);
}
