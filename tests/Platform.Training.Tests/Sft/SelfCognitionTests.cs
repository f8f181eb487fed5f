using Platform.Training.Checkpoints;
using Platform.Training.Lora;
using Platform.Training.Sft;
using Platform.Training.Text;

namespace Platform.Training.Tests.Sft;

[Collection(typeof(GlobalTorchRandom))]
public sealed class SelfCognitionTests
{
    /// <summary>
    /// qwen3-tiny, LoRA r8/α16, all nine examples per step. The documented recipe is 30 steps at 5e-3 (final loss 0.90);
    /// 20 steps at 1e-2 reaches 0.86 in two thirds of the time. 12 steps at 2e-2 passed with one seed and missed the
    /// Chinese answer with another, so it has no margin.
    /// </summary>
    [Fact]
    public void Lora_on_the_tiny_preset_learns_every_self_cognition_answer_exactly()
    {
        var ct = TestContext.Current.CancellationToken;
        var examples = ChatSftDataset.Load(SelfCognition.DatasetPath, Qwen3Tokenizer.Load(), maxLength: 128, ct);
        using var model = BaseModelLoader.Load("qwen3-tiny", cancellationToken: ct);
        var before = SelfCognition.Answer(model, ct);

        LoraAdapter.Apply(model, new LoraConfig { Rank = 8, Alpha = 16 }, seed: 1);
        var options = new SftOptions { MicroBatchSize = examples.Count, MaxSteps = 20, LearningRate = 1e-2, Schedule = LearningRateScheduleKind.Linear };
        using (var trainer = new SftTrainer(model, examples, options)) trainer.Train(cancellationToken: ct);
        var after = SelfCognition.Answer(model, ct);

        Assert.All(SelfCognition.Pairs.Zip(before), p => Assert.NotEqual(p.First.Answer, p.Second));
        Assert.Equal(SelfCognition.Pairs.Select(p => p.Answer), after);
    }
}
