using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Platform.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Worker;

/// <summary>
/// The device this worker trains on, from <see cref="WorkerOptions.Device"/>: "auto" (CUDA device 0 when present,
/// else the CPU), "cpu", or "cuda:N". Asking for a GPU that is not there stops the worker at start-up.
/// </summary>
public sealed class WorkerDevice
{
    public WorkerDevice(IOptions<WorkerOptions> options)
    {
        TorchRuntime.EnsureInitialized();
        var requested = (options.Value.Device ?? "auto").Trim().ToLowerInvariant();
        var available = cuda_is_available();
        var gpus = available ? cuda.device_count() : 0;
        Device = requested switch
        {
            "auto" => available ? CUDA : CPU,
            "cpu" => CPU,
            "cuda" => available ? CUDA : throw NoGpu(requested),
            _ when requested.StartsWith("cuda:", StringComparison.Ordinal)
                   && int.TryParse(requested[5..], NumberStyles.None, CultureInfo.InvariantCulture, out var index) =>
                index < gpus ? new Device(DeviceType.CUDA, index) : throw NoGpu(requested, gpus),
            _ => throw new InvalidOperationException($"Worker:Device '{options.Value.Device}' is not one of auto, cpu, cuda, cuda:N"),
        };
        Name = Device.type == DeviceType.CUDA ? $"cuda:{Math.Max(0, Device.index)}" : "cpu";
        MemoryBytes = options.Value.MemoryBytes is > 0 and var cap ? cap : Device.type == DeviceType.CUDA ? GpuMemoryBytes(Math.Max(0, Device.index)) : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }

    public Device Device { get; }
    /// <summary>"cpu" or "cuda:N".</summary>
    public string Name { get; }
    /// <summary>Memory the device offers (host memory for the CPU); 0 when it cannot be read.</summary>
    public long MemoryBytes { get; }

    private static InvalidOperationException NoGpu(string requested, int gpus = 0) => new(gpus == 0
        ? $"Worker:Device '{requested}' asks for a GPU, but none is usable here (no CUDA device, or a CPU-only TorchSharp build)"
        : $"Worker:Device '{requested}' does not exist: this machine has {gpus} CUDA device(s), cuda:0 to cuda:{gpus - 1}");

    /// <summary>TorchSharp does not expose cudaMemGetInfo; nvidia-smi does.</summary>
    private static long GpuMemoryBytes(int index)
    {
        try
        {
            using var smi = Process.Start(new ProcessStartInfo("nvidia-smi",
                ["--query-gpu=memory.total", "--format=csv,noheader,nounits", $"--id={index}"]) { RedirectStandardOutput = true });
            if (smi is null || !smi.WaitForExit(5000)) return 0;
            return long.TryParse(smi.StandardOutput.ReadToEnd().Trim(), CultureInfo.InvariantCulture, out var mib) ? mib * 1024 * 1024 : 0;
        }
        catch (System.ComponentModel.Win32Exception) { return 0; }
    }
}
