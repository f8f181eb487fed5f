using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Qwen3;

/// <summary>Qwen3RMSNorm (= T5LayerNorm): normalised in fp32, scaled after casting back to the input dtype.</summary>
public sealed class Qwen3RMSNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly double variance_epsilon;

    public Qwen3RMSNorm(long hiddenSize, double eps, Qwen3Parameters parameters) : base(nameof(Qwen3RMSNorm))
    {
        weight = parameters.Ones(hiddenSize);
        variance_epsilon = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        var inputType = hidden_states.dtype;
        var x = hidden_states.to(ScalarType.Float32);
        var variance = x.pow(2).mean([-1], keepdim: true);
        x = x * rsqrt(variance + variance_epsilon);
        return (weight * x.to(inputType)).MoveToOuterDisposeScope();
    }
}
