using Platform.Training;
using TorchSharp;

namespace Platform.Training.Tests;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void Native_library_loads_and_computes()
    {
        TorchRuntime.EnsureInitialized();

        using var sum = torch.ones(2, 2).sum();

        Assert.Equal(4f, sum.item<float>());
    }

    [Fact]
    public void Uses_every_core()
    {
        Assert.Equal(Environment.ProcessorCount, TorchRuntime.EnsureInitialized());
    }
}
