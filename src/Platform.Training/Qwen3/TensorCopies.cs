using static TorchSharp.torch;

namespace Platform.Training.Qwen3;

public static class TensorCopies
{
    /// <summary>
    /// A copy of the tensor's data outside any graph. The detached view is held until the copy exists: an unheld
    /// temporary can be finalized by a GC on another thread while native code still reads it.
    /// </summary>
    public static Tensor DetachedCopy(Tensor tensor)
    {
        using var detached = tensor.detach();
        return detached.clone();
    }
}
