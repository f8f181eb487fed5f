using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Qwen3;

/// <summary>A module whose projections can be swapped in place (LoRA wraps them), keeping the child's name.</summary>
public interface ILinearContainer
{
    void ReplaceLinear(string name, nn.Module<Tensor, Tensor> replacement);
}

/// <summary>A wrapper around a linear (LoRA), so the model can still reach the wrapped layer's weight (weight tying).</summary>
public interface IWrapsLinear
{
    TorchSharp.Modules.Linear BaseLayer { get; }
}
