using System.Runtime.Intrinsics.X86;
using Platform.Inference.Lora;
using static TorchSharp.torch;

namespace Platform.Inference.Tests;

/// <summary>The decode step's projection kernel against libtorch's matmul, and its independence from the other rows.</summary>
public sealed class DecodeProjectionTests
{
    [Theory]
    [InlineData(1, 64, 97)]    // one row; outputs not a multiple of the 3-wide tile
    [InlineData(5, 32, 100)]   // a group of four rows and one left over
    [InlineData(16, 512, 1537)]
    [InlineData(32, 128, 3001)]
    public void Equals_x_times_w_transposed(int rows, int inner, int outs)
    {
        Assert.SkipUnless(Avx.IsSupported && Fma.IsSupported, "needs AVX2 and FMA");
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        var x = randn([rows, inner], generator: generator);
        var w = randn([outs, inner], generator: generator);
        Assert.True(DecodeProjection.Applies(x, w));

        var y = DecodeProjection.Project(x, w);

        Assert.Equal(new long[] { rows, outs }, y.shape);
        var expected = mm(x, w.t());
        Assert.True(y.allclose(expected, rtol: 1e-4, atol: 1e-4), $"differs by {(y - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void A_rows_outputs_are_bitwise_the_same_alone_and_in_any_batch()
    {
        Assert.SkipUnless(Avx.IsSupported && Fma.IsSupported, "needs AVX2 and FMA");
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var w = randn([1000, 64], generator: generator);
        var batch = randn([13, 64], generator: generator);

        var together = DecodeProjection.Project(batch, w);
        for (var row = 0; row < 13; row++)
        {
            var alone = DecodeProjection.Project(batch[row..(row + 1)].contiguous(), w);
            Assert.True(alone[0].eq(together[row]).all().item<bool>(), $"row {row} differs by {(alone[0] - together[row]).abs().max().item<float>()}");
        }
    }

    [Fact]
    public void Shapes_and_types_it_does_not_serve_are_left_to_libtorch()
    {
        using var scope = NewDisposeScope();
        var w = randn(100, 64);
        Assert.False(DecodeProjection.Applies(randn(DecodeProjection.MaxRows + 1, 64), w));    // too many rows
        Assert.False(DecodeProjection.Applies(randn(4, 60), randn(100, 60)));                  // inner not a multiple of 8
        Assert.False(DecodeProjection.Applies(randn(4, 64).to(ScalarType.BFloat16), w.to(ScalarType.BFloat16)));
        Assert.False(DecodeProjection.Applies(randn(64, 4).t(), w));                           // not contiguous
        Assert.False(DecodeProjection.Applies(randn(2, 4, 64), w));                            // 3-D: callers flatten first
    }
}
