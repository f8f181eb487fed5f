using Platform.Training.Checkpoints;

namespace Platform.Api.Tests.Support;

internal static class AdapterAssert
{
    /// <summary>Both safetensors files hold the same tensor names with bit-identical values.</summary>
    public static void Identical(string expectedFile, string actualFile)
    {
        using var expected = SafetensorsReader.Open(expectedFile);
        using var actual = SafetensorsReader.Open(actualFile);
        Assert.Equal(expected.Entries.Keys.Order(), actual.Entries.Keys.Order());
        Assert.NotEmpty(expected.Entries);
        foreach (var name in expected.Entries.Keys)
        {
            using var a = expected.Read(name);
            using var b = actual.Read(name);
            Assert.True(a.eq(b).all().item<bool>(), $"{name} differs: max |Δ| = {(a - b).abs().max().item<float>()}");
        }
    }
}
