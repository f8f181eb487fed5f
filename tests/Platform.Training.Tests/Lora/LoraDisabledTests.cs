using Platform.Training.Lora;
using Platform.Training.Tests.Qwen3;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Lora;

public sealed class LoraDisabledTests
{
    [Fact]
    public void A_disabled_adapter_gives_exactly_the_base_models_logits_and_comes_back_after()
    {
        using var baseModel = TestModels.Create().WithRandomNorms();
        using var model = TestModels.Create().WithRandomNorms();
        var adapter = LoraAdapter.Apply(model, new LoraConfig { Rank = 4, Alpha = 8 }, seed: 3);
        using (no_grad()) foreach (var layer in adapter.Layers.Values) layer.B.normal_(0, 0.5); // a trained-looking adapter
        using var ids = TestModels.Tokens([1, 5, 9, 13, 2], [3, 3, 70, 8, 1]);
        using var expected = baseModel.forward(ids);
        using var adapted = model.forward(ids);

        Tensor off;
        using (adapter.Disabled()) off = model.forward(ids);
        using var again = model.forward(ids);

        Assert.True(off.equal(expected).all().item<bool>(), "LoRA off must be the base model bit for bit");
        Assert.False(adapted.allclose(expected, rtol: 0, atol: 1e-3), "the adapter must change the logits");
        Assert.True(again.equal(adapted).all().item<bool>(), "the adapter must be back after the scope");
        off.Dispose();
    }

    [Fact]
    public void A_merged_adapter_cannot_be_switched_off()
    {
        using var model = TestModels.Create();
        var adapter = LoraAdapter.Apply(model, new LoraConfig { Rank = 2, Alpha = 4 });
        adapter.Merge();

        Assert.Throws<InvalidOperationException>(() => adapter.Disabled());
    }
}
