using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Qwen3;

/// <summary>SwiGLU feed-forward: down_proj(silu(gate_proj(x)) * up_proj(x)).</summary>
public sealed class Qwen3MLP : nn.Module<Tensor, Tensor>, ILinearContainer
{
    private nn.Module<Tensor, Tensor> gate_proj;
    private nn.Module<Tensor, Tensor> up_proj;
    private nn.Module<Tensor, Tensor> down_proj;

    public Qwen3MLP(Qwen3Config config, Qwen3Parameters parameters) : base(nameof(Qwen3MLP))
    {
        gate_proj = parameters.Linear(config.HiddenSize, config.IntermediateSize, bias: false);
        up_proj = parameters.Linear(config.HiddenSize, config.IntermediateSize, bias: false);
        down_proj = parameters.Linear(config.IntermediateSize, config.HiddenSize, bias: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var hidden = nn.functional.silu(gate_proj.call(x)) * up_proj.call(x); // (B, T, I)
        return down_proj.call(hidden).MoveToOuterDisposeScope();            // (B, T, H)
    }

    public void ReplaceLinear(string name, nn.Module<Tensor, Tensor> replacement)
    {
        switch (name)
        {
            case nameof(gate_proj): gate_proj = replacement; break;
            case nameof(up_proj): up_proj = replacement; break;
            case nameof(down_proj): down_proj = replacement; break;
            default: throw new ArgumentException($"{nameof(Qwen3MLP)} has no linear '{name}'", nameof(name));
        }
        register_module(name, null!); // forget the old child, keep the key
        register_module(name, replacement);
    }
}
