using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Qwen3;

/// <summary>
/// Where the model's tensors are created. Weights start uninitialised (a checkpoint overwrites them, and on the meta
/// device nothing is allocated); <see cref="Qwen3ForCausalLM.InitializeWeights"/> fills them for training from scratch.
/// </summary>
public sealed record Qwen3Parameters(Device Device, ScalarType DType)
{
    public static Qwen3Parameters Cpu(ScalarType dtype = ScalarType.Float32) => new(CPU, dtype);
    public static Qwen3Parameters Meta(ScalarType dtype = ScalarType.Float32) => new(META, dtype);

    public Linear Linear(long inFeatures, long outFeatures, bool bias) =>
        nn.Linear(
            new Parameter(empty([outFeatures, inFeatures], DType, Device)),
            bias ? new Parameter(zeros([outFeatures], DType, Device)) : null);

    public TokenEmbedding Embedding(long count, long dimension) =>
        new(new Parameter(empty([count, dimension], DType, Device)));

    public Parameter Ones(long size) => new(ones([size], DType, Device));
}
