using System.Runtime.InteropServices;

namespace Platform.Training;

/// <summary>
/// glibc's malloc serves blocks over its mmap threshold (at most 32 MiB, usually far less) with fresh mappings and
/// unmaps them on free, so every step's large tensors (logits chunks, optimizer temporaries, activations) cost page
/// faults and zeroing again. Kept on the heap and never trimmed, freed blocks are reused by the next step: measured on
/// qwen3-bench-small (docs/benchmarks.md), LoRA 479 → 500 tok/s, full 269 → 343 tok/s, AdamW 420 → 170 ms.
/// The price: the process keeps its high-water mark resident. Set PLATFORM_MALLOC_TRIM=1 to keep glibc's defaults.
/// </summary>
internal static class NativeHeap
{
    private const int TrimThreshold = -1; // M_TRIM_THRESHOLD
    private const int MmapMax = -4;       // M_MMAP_MAX

    public static bool RetainFreedMemory()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("PLATFORM_MALLOC_TRIM") == "1") return false;
        try
        {
            return mallopt(MmapMax, 0) == 1 && mallopt(TrimThreshold, int.MaxValue) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // not glibc (musl): its allocator has no such knobs
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")] // blittable ints: no marshalling, so no LibraryImport (it needs unsafe code)
    private static extern int mallopt(int parameter, int value);
}
