using Platform.Training.Qwen3;
using Platform.Training.Tests.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Generation;

public sealed class KvCacheTests
{
    private static readonly long[] Sequence = [11, 5, 80, 2, 33, 19, 7, 64, 90, 4];

    [Fact]
    public void Prefill_then_one_token_at_a_time_gives_the_logits_of_a_full_forward()
    {
        using var model = TestModels.Create().WithRandomNorms();
        using var _ = no_grad();
        using var full = model.forward(TestModels.Tokens(Sequence));                                   // (1, 10, V)
        using var cache = model.NewCache();

        using var prefill = model.forward(TestModels.Tokens(Sequence[..4]), null, null, cache);        // (1, 4, V)
        Qwen3ForwardTests.AssertClose(full[.., ..4], prefill, 1e-5);
        for (var i = 4; i < Sequence.Length; i++)
        {
            using var step = model.forward(TestModels.Tokens([Sequence[i]]), null, null, cache);
            Qwen3ForwardTests.AssertClose(full[.., i..(i + 1)], step, 1e-5);
        }
        Assert.Equal(Sequence.Length, cache.Length);
    }

    [Fact]
    public void Several_new_tokens_after_a_cache_see_the_history_and_each_other_causally()
    {
        using var model = TestModels.Create(TestModels.SmallTied).WithRandomNorms();
        using var _ = no_grad();
        using var full = model.forward(TestModels.Tokens(Sequence));
        using var cache = model.NewCache();

        using var first = model.forward(TestModels.Tokens(Sequence[..3]), null, null, cache);
        using var rest = model.forward(TestModels.Tokens(Sequence[3..]), null, null, cache);          // T = 7 after S = 3

        Qwen3ForwardTests.AssertClose(full[.., 3..], rest, 1e-5);
    }

    [Fact]
    public void A_left_padded_batch_decoded_with_the_cache_matches_the_full_padded_forward()
    {
        using var model = TestModels.Create().WithRandomNorms();
        using var _ = no_grad();
        using var ids = TestModels.Tokens([0, 0, 0, 9, 8, 7, 6, 5], [1, 2, 3, 4, 5, 6, 7, 8]);
        using var mask = TestModels.Tokens([0, 0, 0, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1]);
        using var positions = AttentionMask.PositionIds(mask);
        using var full = model.forward(ids, mask, positions, null);
        using var cache = model.NewCache();

        using var prefill = model.forward(ids[.., ..5], mask[.., ..5], positions[.., ..5], cache);
        Qwen3ForwardTests.AssertClose(full[1, ..5], prefill[1], 1e-5);
        Qwen3ForwardTests.AssertClose(full[0, 3..5], prefill[0, 3..5], 1e-5);
        for (var i = 5; i < 8; i++)
        {
            using var step = model.forward(ids[.., i..(i + 1)], mask[.., ..(i + 1)], positions[.., i..(i + 1)], cache);
            Qwen3ForwardTests.AssertClose(full[.., i..(i + 1)], step, 1e-5);
        }
    }

    [Fact]
    public void Selecting_rows_keeps_only_their_history()
    {
        using var model = TestModels.Create();
        using var _ = no_grad();
        using var cache = model.NewCache();
        using var both = model.forward(TestModels.Tokens(Sequence[..5], Sequence[5..]), null, null, cache);

        cache.Select(tensor(new long[] { 1 }));
        using var next = model.forward(TestModels.Tokens([42]), null, null, cache);
        using var alone = model.forward(TestModels.Tokens([.. Sequence[5..], 42]));

        Qwen3ForwardTests.AssertClose(alone[.., ^1..], next, 1e-5);
    }
}
