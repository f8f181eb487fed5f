using Platform.Training.Sft;
using Platform.Training.Text;

namespace Platform.Training.Tests.Sft;

public sealed class ChatSftDatasetLossScaleTests
{
    private static readonly (ChatMessage, int)[] Turns = [(ChatMessage.User("Who are you?"), 1), (ChatMessage.Assistant("I am Aster."), 1)];

    [Fact]
    public void Ignore_empty_think_takes_exactly_the_empty_think_block_out_of_the_loss()
    {
        var tokenizer = Qwen3Tokenizer.Load();
        var plain = ChatSftDataset.Encode(tokenizer, Turns, maxLength: 128);
        var masked = ChatSftDataset.Encode(tokenizer, Turns, maxLength: 128, LossScale.IgnoreEmptyThink);

        var dropped = Enumerable.Range(0, plain.InputIds.Length).Where(i => plain.LossWeights[i] != masked.LossWeights[i]).ToList();
        Assert.Equal(plain.InputIds, masked.InputIds);
        Assert.Equal("<think>\n\n</think>\n\n", tokenizer.Decode(dropped.Select(i => plain.InputIds[i])));
        Assert.All(dropped, i => Assert.Equal((1f, 0f), (plain.LossWeights[i], masked.LossWeights[i])));
        Assert.StartsWith("I am Aster.", tokenizer.Decode(masked.InputIds.Where((_, i) => masked.LossWeights[i] > 0)));
    }

    [Fact]
    public void Ignore_empty_think_keeps_a_think_block_with_reasoning()
    {
        var tokenizer = Qwen3Tokenizer.Load();
        (ChatMessage, int)[] turns = [(ChatMessage.User("2+2?"), 1), (ChatMessage.Assistant("4", reasoningContent: "add"), 1)];

        var plain = ChatSftDataset.Encode(tokenizer, turns, maxLength: 128);
        var masked = ChatSftDataset.Encode(tokenizer, turns, maxLength: 128, LossScale.IgnoreEmptyThink);

        Assert.Equal(plain.LossWeights, masked.LossWeights);
    }
}
