using Platform.Training.Lora;
using Platform.Training.Qwen3;
using Platform.Training.Sft;
using Platform.Training.Tests.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Sft;

/// <summary>
/// The fused, chunked LM head + loss against the straightforward one (full logits, log_softmax, weighted NLL, autograd):
/// same loss, same gradients for the body's output, the head and the LoRA weights.
/// </summary>
public sealed class HeadCrossEntropyTests
{
    [Theory]
    [InlineData(3, false)]     // several chunks, the last one short
    [InlineData(1000, false)]  // one chunk
    [InlineData(3, true)]      // the same into a training run's workspace, left dirty by an earlier call
    [InlineData(1000, true)]
    public void Loss_and_gradients_equal_the_full_logits_computation(int chunkRows, bool reuseWorkspace)
    {
        using var scope = NewDisposeScope();
        using var workspace = reuseWorkspace ? new LogitsWorkspace() : null;
        using var generator = new Generator(5);
        var (n, h, v) = (10, 16, 97);
        var x = randn([n, h], generator: generator).requires_grad_(true);
        var w = (randn([v, h], generator: generator) * 0.5).requires_grad_(true);
        var targets = randint(0, v, [n], generator: generator);
        var weights = tensor(new[] { 1f, 0.5f, 2f, 1f, 1f, 0f, 1f, 3f, 1f, 1f });

        if (workspace is not null)
            using (no_grad())
                HeadCrossEntropy.WeightedSum(randn([n, h]) * 9, w, targets, weights, workspace, chunkRows: n).Dispose(); // the largest buffer: reused below
        var fused = HeadCrossEntropy.WeightedSum(x, w, targets, weights, workspace, chunkRows);
        fused.backward();
        var (fusedX, fusedW) = (x.grad!.clone(), w.grad!.clone());
        x.grad!.zero_();
        w.grad!.zero_();

        var reference = (nn.functional.cross_entropy(mm(x, w.t()), targets, reduction: nn.Reduction.None) * weights).sum();
        reference.backward();

        Assert.Equal(reference.item<float>(), fused.item<float>(), 3);
        AssertClose(fusedX, x.grad!, "∂x");
        AssertClose(fusedW, w.grad!, "∂W");
        Assert.True(x.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void The_workspace_keeps_one_buffer_until_a_step_needs_more()
    {
        using var workspace = new LogitsWorkspace();
        var device = new Device(DeviceType.CPU);
        using var first = workspace.Take(97, 8, ScalarType.Float32, device);
        using var smaller = workspace.Take(97, 3, ScalarType.Float32, new Device(DeviceType.CPU)); // an equal device, another object
        Assert.Equal(Address(first), Address(smaller));
        Assert.Equal([97L, 3L], smaller.shape);
        Assert.True(smaller.is_contiguous());
        using var larger = workspace.Take(97, 9, ScalarType.Float32, device);
        Assert.NotEqual(Address(first), Address(larger));
    }

    private static IntPtr Address(Tensor view) => view.storage<float>().data_ptr() + (nint)(view.storage_offset() * sizeof(float));

    [Fact]
    public void A_lora_models_gradients_equal_those_through_full_logits()
    {
        using var model = TestModels.Create().WithRandomNorms();
        LoraAdapter.Apply(model, new LoraConfig { Rank = 4, Alpha = 8 }, seed: 3);
        using (no_grad())
            foreach (var (name, parameter) in model.named_parameters())
                if (name.Contains("lora_B", StringComparison.Ordinal)) parameter.normal_(0, 0.1); // B starts at 0: no signal to compare
        var examples = SftTestData.Conversations;
        var trainable = model.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        Assert.NotEmpty(trainable);
        Assert.Same(model.LmHeadLinear, model.LmHead); // no LoRA on the head: WeightedSum takes the fused path

        using var fused = SftLoss.WeightedSum(model, examples);
        fused.backward();
        var fusedGrads = trainable.Select(p => p.parameter.grad!.clone()).ToList();
        foreach (var (_, parameter) in trainable) parameter.grad!.zero_();

        var (logits, targets, weights) = SftLoss.LossPositions(model, examples);
        using var reference = (nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.None) * weights).sum();
        reference.backward();

        Assert.Equal(reference.item<float>(), fused.item<float>(), 3);
        for (var i = 0; i < trainable.Count; i++) AssertClose(fusedGrads[i], trainable[i].parameter.grad!, trainable[i].name);
        Assert.True(fusedGrads.Sum(g => g.abs().sum().item<float>()) > 0);
    }

    [Fact]
    public void A_tied_heads_gradient_in_full_fine_tuning_sums_both_uses_of_the_embedding()
    {
        using var model = TestModels.Create(TestModels.SmallTied).WithRandomNorms();
        foreach (var parameter in model.parameters()) parameter.requires_grad = true;
        var examples = SftTestData.Conversations;
        var embedding = model.LmHeadLinear.weight!;

        using var fused = SftLoss.WeightedSum(model, examples);
        fused.backward();
        var fusedGrad = embedding.grad!.clone();
        foreach (var parameter in model.parameters()) parameter.grad?.zero_();

        var (logits, targets, weights) = SftLoss.LossPositions(model, examples);
        using var reference = (nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.None) * weights).sum();
        reference.backward();

        AssertClose(fusedGrad, embedding.grad!, "the embedding's gradient");
    }

    /// <summary>
    /// Close relative to the whole gradient, not per element: the two orders of summation differ by fp32 rounding, a few
    /// 1e-6 on elements near 0 when other tests change the thread count (seen in a full run, against a per-element atol
    /// of 1e-6). A wrong gradient differs by a sizeable fraction of its norm.
    /// </summary>
    private static void AssertClose(Tensor actual, Tensor expected, string what)
    {
        var (difference, scale) = ((actual - expected).norm().item<float>(), expected.norm().item<float>());
        Assert.True(difference <= 1e-5 * scale + 1e-7, $"{what} differs by {difference} (norm {scale})");
    }
}
