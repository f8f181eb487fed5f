using static TorchSharp.torch;

namespace Platform.Training.Qwen3;

/// <summary>
/// Where attention keeps keys and values between forwards: the dense <see cref="KvCache"/> for generation and training
/// tests, or the inference engine's paged cache, whose rows each have their own length.
/// </summary>
public interface IKvCache
{
    /// <summary>Key positions before this forward's new ones (S - T in the attention of every layer).</summary>
    long Length { get; }

    /// <summary>Stores this forward's (B, Hkv, T, D) keys and values of <paramref name="layer"/>; returns (B, Hkv, S, D) to attend to.</summary>
    (Tensor Keys, Tensor Values) Update(int layer, Tensor key, Tensor value);
}
