using Platform.Training.Benchmarks;
using Platform.Training.Lora;
using Platform.Training.Sft;
using Platform.Training.Tests.Qwen3;

namespace Platform.Training.Tests.Sft;

/// <summary>Every tensor a step makes is disposed: resident memory after 500 steps equals that after warm-up.</summary>
[Collection(typeof(GlobalTorchRandom))]
public sealed class TrainingMemoryTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Five_hundred_steps_do_not_grow_resident_memory(bool lora)
    {
        var ct = TestContext.Current.CancellationToken;
        using var model = TestModels.Create();
        if (lora) LoraAdapter.Apply(model, new LoraConfig { Rank = 4, Alpha = 8, Dropout = 0.1 }, seed: 3);
        else foreach (var parameter in model.parameters()) parameter.requires_grad = true;
        var options = new SftOptions { MicroBatchSize = 2, GradientAccumulationSteps = 2, MaxSteps = 500, LearningRate = 1e-3 };
        using var trainer = new SftTrainer(model, SftTestData.Conversations, options);

        double warm = 0;
        trainer.Train(step => { if (step.Step == 50) warm = SettledResidentMib(); }, ct);
        var end = SettledResidentMib();

        TestContext.Current.TestOutputHelper?.WriteLine($"VmRSS after 50 steps {warm:F1} MiB, after 500 {end:F1} MiB");
        Assert.Equal(500, trainer.Step);
        // a leak of one (B, T, V) logits tensor per step would add ~1.5 MiB over 450 steps here; activations far more
        Assert.InRange(end - warm, double.NegativeInfinity, 1.0);
    }

    private static double SettledResidentMib()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return ProcessMemory.ResidentMib();
    }
}
