using static TorchSharp.torch;

namespace Platform.Training.Sft;

/// <summary>
/// The vocabulary-sized logits buffer of <see cref="HeadCrossEntropy"/>, kept for a whole training run. Freed after each
/// step, that block is the largest one on the native heap (which keeps freed memory, see <see cref="NativeHeap"/>); the
/// next step's smaller allocations split it, and the next step's logits then grow the heap by their size again. Under
/// CPU contention about 1 run in 4 peaked one chunk higher (qwen3-tiny lora 2 × 128: 446–470 MiB against 383–395;
/// docs/benchmarks.md). Grow-only: a step with more loss positions replaces it with a larger one.
/// </summary>
public sealed class LogitsWorkspace : IDisposable
{
    private Tensor? buffer;

    /// <summary>A contiguous (rows, columns) view of the buffer, valid until the next call; contents undefined.</summary>
    public Tensor Take(long rows, long columns, ScalarType dtype, Device device)
    {
        var elements = rows * columns;
        if (buffer is null || buffer.numel() < elements || buffer.dtype != dtype
            || buffer.device_type != device.type || buffer.device_index != device.index) // Device compares by reference
        {
            buffer?.Dispose();
            buffer = empty(elements, dtype, device).DetachFromDisposeScope();
        }
        return buffer.narrow(0, 0, elements).view(rows, columns);
    }

    public void Dispose()
    {
        buffer?.Dispose();
        buffer = null;
    }
}
