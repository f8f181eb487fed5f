using Platform.Training.Checkpoints;
using Platform.Training.Generation;
using Platform.Training.Lora;
using Platform.Training.Qwen3;
using Platform.Training.Sft;
using Platform.Training.Tests.Sft;

namespace Platform.Training.Tests;

/// <summary>The path the worker takes, on the qwen3-tiny preset with the real 151,936-token vocabulary.</summary>
[Collection(typeof(GlobalTorchRandom))]
public sealed class TinyPresetPipelineTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("tiny-pipeline-");

    [Fact]
    public void Init_save_load_fine_tune_save_adapter_and_reload_to_the_same_generation()
    {
        var ct = TestContext.Current.CancellationToken;
        var modelFolder = Path.Combine(folder.FullName, "base");
        var adapterFolder = Path.Combine(folder.FullName, "adapter");
        using (var fresh = new Qwen3ForCausalLM(Qwen3Presets.Get("qwen3-tiny")).InitializeWeights(seed: 1))
            HfModelFolder.Save(fresh, modelFolder, cancellationToken: ct);

        using var model = HfModelFolder.Load(modelFolder, cancellationToken: ct);
        var adapter = LoraAdapter.Apply(model, new LoraConfig { Rank = 8, Alpha = 16 }, seed: 2);
        var examples = new[] { SftTestData.Example([151644, 872, 198, 13048, 151645, 198], [151644, 77091, 198, 9707, 151645]) };
        var losses = new List<double>();
        var gradNorms = new List<double>();
        using (var trainer = new SftTrainer(model, examples, new SftOptions { MicroBatchSize = 1, MaxSteps = 5, LearningRate = 5e-2, MaxGradNorm = 0 }))
            trainer.Train(r => { losses.Add(r.Loss); gradNorms.Add(r.GradNorm); }, ct);
        adapter.Save(adapterFolder);
        var options = new GenerationOptions { MaxNewTokens = 4, StopTokenIds = new HashSet<int> { 151645 } };
        var trained = new Qwen3Generator(model).Generate([examples[0].InputIds], options, cancellationToken: ct);

        using var reloaded = HfModelFolder.Load(modelFolder, cancellationToken: ct);
        LoraAdapter.Load(reloaded, adapterFolder, cancellationToken: ct);
        var streamed = new List<int>();
        var again = new Qwen3Generator(reloaded).Generate([examples[0].InputIds], options, t => streamed.Add(t.TokenId), ct);

        Assert.True(losses[^1] < losses[0], $"loss {losses[0]:F4} -> {losses[^1]:F4}");
        Assert.All(gradNorms, n => Assert.True(double.IsFinite(n) && n > 0, $"grad norm {n}"));
        Assert.NotEmpty(trained[0].Tokens);
        Assert.Equal(trained[0].Tokens, again[0].Tokens);
        Assert.Equal(again[0].Tokens, streamed);
        Assert.All(again[0].Tokens, t => Assert.InRange(t, 0, 151935));
    }

    public void Dispose() => folder.Delete(recursive: true);
}
