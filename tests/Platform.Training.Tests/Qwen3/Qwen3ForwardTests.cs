using Platform.Training.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Qwen3;

public sealed class Qwen3ForwardTests
{
    private static readonly long[] Sequence = [5, 17, 3, 96, 42, 8, 0, 61];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Logits_match_an_independent_eager_float64_forward(bool tied)
    {
        using var model = TestModels.Create(tied ? TestModels.SmallTied : TestModels.Small).WithRandomNorms();
        using var _ = no_grad();

        using var logits = model.forward(TestModels.Tokens(Sequence));
        using var expected = ReferenceQwen3.Logits(model.Config, model.state_dict(), Sequence);

        Assert.Equal([1, Sequence.Length, model.Config.VocabSize], logits.shape);
        var error = (logits[0].to(ScalarType.Float64) - expected).abs().max().item<double>();
        Assert.True(error < 1e-4, $"max |model - reference| = {error}");
        Assert.True(expected.abs().max().item<double>() > 0.5, "logits too small to make the comparison meaningful");
    }

    [Fact]
    public void Left_padded_rows_give_the_logits_of_the_same_rows_alone()
    {
        using var model = TestModels.Create().WithRandomNorms();
        using var _ = no_grad();
        long[] shortRow = [7, 1, 88];
        using var batch = TestModels.Tokens([0, 0, 0, 0, 0, .. shortRow], Sequence);
        using var mask = TestModels.Tokens([0, 0, 0, 0, 0, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1]);

        using var padded = model.forward(batch, mask, AttentionMask.PositionIds(mask), cache: null);
        using var alone = model.forward(TestModels.Tokens(shortRow));
        using var full = model.forward(TestModels.Tokens(Sequence));

        Assert.False(padded.isnan().any().item<bool>());
        AssertClose(alone[0], padded[0, 5..], 1e-5);
        AssertClose(full[0], padded[1], 1e-5);
    }

    [Fact]
    public void A_position_never_sees_later_tokens()
    {
        using var model = TestModels.Create();
        using var _ = no_grad();
        long[] changedTail = [.. Sequence[..5], 1, 2, 3];

        using var a = model.forward(TestModels.Tokens(Sequence));
        using var b = model.forward(TestModels.Tokens(changedTail));

        AssertClose(a[0, ..5], b[0, ..5], 1e-6);
        Assert.True((a[0, 5..] - b[0, 5..]).abs().max().item<float>() > 1e-3);
    }

    [Fact]
    public void Bf16_weights_give_logits_close_to_fp32()
    {
        using var fp32 = TestModels.Create();
        using var bf16 = TestModels.Create(dtype: ScalarType.BFloat16);
        using var _ = no_grad();
        bf16.load_state_dict(fp32.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.to(ScalarType.BFloat16)));

        using var expected = fp32.forward(TestModels.Tokens(Sequence));
        using var actual = bf16.forward(TestModels.Tokens(Sequence));

        Assert.Equal(ScalarType.BFloat16, actual.dtype);
        var relative = ((actual.to(ScalarType.Float32) - expected).norm() / expected.norm()).item<float>();
        Assert.True(relative < 0.05, $"relative error {relative}");
    }

    [Fact]
    public void Initialisation_is_deterministic_per_seed_and_ties_the_head_to_the_embedding()
    {
        using var a = TestModels.Create(TestModels.SmallTied, seed: 3);
        using var b = TestModels.Create(TestModels.SmallTied, seed: 3);
        using var c = TestModels.Create(TestModels.SmallTied, seed: 4);
        var (wa, wb, wc) = (a.state_dict(), b.state_dict(), c.state_dict());

        Assert.All(wa.Keys, key => Assert.True(wa[key].equal(wb[key]).all().item<bool>(), key));
        Assert.False(wa["model.layers.0.mlp.up_proj.weight"].equal(wc["model.layers.0.mlp.up_proj.weight"]).all().item<bool>());
        Assert.Equal(wa["model.embed_tokens.weight"].Handle, a.LmHeadLinear.weight.Handle);
        Assert.Equal(0.2, wa["model.layers.1.self_attn.o_proj.weight"].std().item<float>(), 1);
        Assert.DoesNotContain("lm_head.weight", a.CheckpointStateDict().Keys);
    }

    internal static void AssertClose(Tensor expected, Tensor actual, double tolerance)
    {
        Assert.Equal(expected.shape, actual.shape);
        var error = (expected.to(ScalarType.Float64) - actual.to(ScalarType.Float64)).abs().max().item<double>();
        Assert.True(error <= tolerance, $"max abs difference {error} > {tolerance}");
    }
}
