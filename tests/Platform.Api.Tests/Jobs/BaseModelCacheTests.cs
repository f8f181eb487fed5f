using Microsoft.Extensions.Options;
using Platform.Training.Checkpoints;
using Platform.Worker;
using static TorchSharp.torch;

namespace Platform.Api.Tests.Jobs;

public sealed class BaseModelCacheTests
{
    [Fact]
    public void A_model_made_from_the_cache_has_the_freshly_loaded_weights_in_its_own_tensors()
    {
        using var cache = new BaseModelCache(new WorkerDevice(Options.Create(new WorkerOptions { Device = "cpu" })));
        using var first = cache.Create("qwen3-tiny", ScalarType.Float32, TestContext.Current.CancellationToken);
        using var second = cache.Create("qwen3-tiny", ScalarType.Float32, TestContext.Current.CancellationToken);
        using var fresh = BaseModelLoader.Load("qwen3-tiny", cancellationToken: TestContext.Current.CancellationToken);

        var expected = fresh.state_dict();
        foreach (var (name, tensor) in second.state_dict())
            Assert.True(tensor.allclose(expected[name], rtol: 0, atol: 0), name);

        // Training one must not touch the other.
        using (no_grad()) first.state_dict()["model.norm.weight"].add_(1);
        Assert.True(second.state_dict()["model.norm.weight"].allclose(expected["model.norm.weight"], rtol: 0, atol: 0));
    }

    [Theory]
    [InlineData("cuda:0")]
    [InlineData("cuda")]
    [InlineData("tpu")]
    public void A_worker_asked_for_a_device_it_does_not_have_refuses_to_start_and_says_why(string device)
    {
        // This machine (and CI) has no GPU and a CPU-only TorchSharp.
        var e = Assert.Throws<InvalidOperationException>(() => new WorkerDevice(Options.Create(new WorkerOptions { Device = device })));
        Assert.Contains(device, e.Message);
    }

    [Fact]
    public void Auto_picks_the_cpu_where_there_is_no_gpu_and_reports_its_memory()
    {
        var device = new WorkerDevice(Options.Create(new WorkerOptions()));
        Assert.Equal("cpu", device.Name);
        Assert.True(device.MemoryBytes > 1L << 30);
    }
}
