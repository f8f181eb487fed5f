using TorchSharp;

namespace Platform.Training;

/// <summary>One-time process set-up of libtorch, called by every entry point of the training engine.</summary>
public static class TorchRuntime
{
    private static readonly Lazy<int> Threads = new(() =>
    {
        // libtorch picks its own default, which is not always every core; we want all of them (see torchsharp-gaps.md).
        torch.set_num_threads(Environment.ProcessorCount);
        NativeHeap.RetainFreedMemory();
        return torch.get_num_threads();
    });

    /// <summary>Loads the native library (throws if it cannot) and sets the intra-op thread count; returns it.</summary>
    public static int EnsureInitialized() => Threads.Value;
}
