using Platform.Training.Checkpoints;
using Platform.Worker;
using static TorchSharp.torch;

namespace Platform.Api.Tests.Jobs;

public sealed class BaseModelCacheTests
{
    [Fact]
    public void A_model_made_from_the_cache_has_the_freshly_loaded_weights_in_its_own_tensors()
    {
        using var cache = new BaseModelCache();
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
}
