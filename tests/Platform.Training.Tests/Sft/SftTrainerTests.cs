using Platform.Training.Lora;
using Platform.Training.Qwen3;
using Platform.Training.Sft;
using Platform.Training.Tests.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Sft;

/// <summary>Runs alone: dropout draws from torch's global generator, which other tests would otherwise share.</summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class GlobalTorchRandom;

[Collection(typeof(GlobalTorchRandom))]
public sealed class SftTrainerTests : IDisposable
{
    private static readonly LoraConfig Lora = new() { Rank = 4, Alpha = 8, Dropout = 0.1 };
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("sft-");

    [Fact]
    public void Lora_training_memorises_four_answers()
    {
        var (model, _) = LoraModel(dropout: 0);
        using var _model = model;
        using var trainer = new SftTrainer(model, SftTestData.Conversations,
            new SftOptions { MicroBatchSize = 2, GradientAccumulationSteps = 2, MaxSteps = 40, LearningRate = 3e-2, WarmupSteps = 2 });
        var losses = new List<double>();

        trainer.Train(r => losses.Add(r.Loss), TestContext.Current.CancellationToken);

        Assert.Equal(40, losses.Count);
        Assert.True(losses[^1] < 0.2 * losses[0], $"loss {losses[0]:F3} -> {losses[^1]:F3}");
    }

    [Fact]
    public void Splitting_a_step_into_micro_batches_does_not_change_it()
    {
        var whole = TrainedWeights(new SftOptions { MicroBatchSize = 4, GradientAccumulationSteps = 1, MaxSteps = 1, LearningRate = 1e-2 });
        var split = TrainedWeights(new SftOptions { MicroBatchSize = 1, GradientAccumulationSteps = 4, MaxSteps = 1, LearningRate = 1e-2 });

        Assert.All(whole.Keys, key => Qwen3ForwardTests.AssertClose(whole[key], split[key], 1e-6));
        Assert.True(whole.Values.Any(t => t.abs().max().item<float>() > 0), "the step must move B");
    }

    [Fact]
    public void Gradients_are_clipped_to_the_max_norm()
    {
        var (model, _) = LoraModel(dropout: 0);
        using var _model = model;
        using var trainer = new SftTrainer(model, SftTestData.Conversations, new SftOptions { MicroBatchSize = 4, MaxSteps = 1, MaxGradNorm = 1e-3 });

        var result = trainer.TrainStep(TestContext.Current.CancellationToken);

        Assert.True(result.GradNorm > 1e-3);
        var norm = Math.Sqrt(trainer.Trainable.Sum(p => p.Parameter.grad!.pow(2).sum().item<float>()));
        Assert.InRange(norm, 0.99e-3, 1.01e-3);
    }

    [Fact]
    public void A_run_resumed_from_a_checkpoint_continues_exactly_as_the_uninterrupted_run()
    {
        var options = new SftOptions { MicroBatchSize = 1, GradientAccumulationSteps = 2, MaxSteps = 4, LearningRate = 1e-2, WarmupSteps = 1, Seed = 5 };
        var (straightModel, _) = LoraModel(Lora.Dropout);
        using var _s = straightModel;
        using var straight = new SftTrainer(straightModel, SftTestData.Conversations, options);
        var straightLosses = new List<double>();
        straight.Train(r => straightLosses.Add(r.Loss), TestContext.Current.CancellationToken);

        var (firstModel, _) = LoraModel(Lora.Dropout);
        using var _f = firstModel;
        using (var first = new SftTrainer(firstModel, SftTestData.Conversations, options))
        {
            first.TrainStep(TestContext.Current.CancellationToken);
            first.TrainStep(TestContext.Current.CancellationToken);
            SftCheckpoint.Save(first, folder.FullName);
            randn(1000).Dispose(); // draws that must not leak into the resumed run
        }
        var (resumedModel, _) = LoraModel(Lora.Dropout);
        using var _r = resumedModel;
        using var resumed = new SftTrainer(resumedModel, SftTestData.Conversations, options);
        SftCheckpoint.Load(resumed, folder.FullName, TestContext.Current.CancellationToken);
        var resumedLosses = new List<double>();
        resumed.Train(r => resumedLosses.Add(r.Loss), TestContext.Current.CancellationToken);

        Assert.Equal(straightLosses[2..], resumedLosses);
        foreach (var ((name, expected), (_, actual)) in straight.Trainable.Zip(resumed.Trainable))
            Assert.True(expected.equal(actual).all().item<bool>(), name);
    }

    private Dictionary<string, Tensor> TrainedWeights(SftOptions options)
    {
        var (model, adapter) = LoraModel(dropout: 0);
        using var trainer = new SftTrainer(model, SftTestData.Conversations, options);
        trainer.Train(cancellationToken: TestContext.Current.CancellationToken);
        return adapter.Layers.ToDictionary(l => l.Key, l => l.Value.B.detach().clone());
    }

    private static (Qwen3ForCausalLM, LoraAdapter) LoraModel(double dropout)
    {
        var model = TestModels.Create().WithRandomNorms();
        return (model, LoraAdapter.Apply(model, Lora with { Dropout = dropout }, seed: 1));
    }

    public void Dispose() => folder.Delete(recursive: true);
}
