using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Qwen3;

/// <summary>A module whose projections can be swapped in place (LoRA wraps them), keeping the child's name.</summary>
public interface ILinearContainer
{
    void ReplaceLinear(string name, nn.Module<Tensor, Tensor> replacement);
}
