using Platform.Training.Checkpoints;
using Platform.Training.Provenance;
using Platform.Training.Qwen3;
using static TorchSharp.torch;

namespace Platform.Worker;

/// <summary>
/// Keeps the most recently used base model's weights in host memory, so consecutive jobs on the same base skip loading
/// it from disk. Each job gets its own model instance on the worker's device (LoRA wraps layers in place) with the
/// cached weights copied in. Presets are drawn on the CPU, so a preset's base is the same on every device.
/// </summary>
public sealed class BaseModelCache(WorkerDevice device) : IDisposable
{
    private readonly Lock _gate = new();
    private (string Key, Dictionary<string, Tensor> Weights, string Sha256)? _cached;

    public Qwen3ForCausalLM Create(string presetOrFolder, ScalarType dtype, CancellationToken cancellationToken)
    {
        var key = $"{presetOrFolder}|{dtype}";
        lock (_gate)
        {
            if (_cached?.Key != key)
            {
                Release();
                using var loaded = BaseModelLoader.Load(presetOrFolder, dtype, cancellationToken);
                _cached = (key, loaded.state_dict().ToDictionary(p => p.Key, p => TensorCopies.DetachedCopy(p.Value)),
                    ContentHashes.StateDict(loaded, cancellationToken));
            }
            var config = BaseModelLoader.IsPreset(presetOrFolder)
                ? Qwen3Presets.Get(presetOrFolder)
                : Qwen3Config.FromFile(Path.Combine(presetOrFolder, HfModelFolder.ConfigFile));
            var model = new Qwen3ForCausalLM(config, new Qwen3Parameters(device.Device, dtype));
            using (no_grad())
                foreach (var (name, tensor) in model.state_dict())
                    if (_cached.Value.Weights.TryGetValue(name, out var source)) tensor.copy_(source);
            model.eval();
            return model;
        }
    }

    /// <summary>SHA-256 of the base weights' values (see <see cref="ContentHashes.StateDict"/>), computed once per load.</summary>
    public string WeightsSha256(string presetOrFolder, ScalarType dtype)
    {
        lock (_gate)
            return _cached?.Key == $"{presetOrFolder}|{dtype}" ? _cached.Value.Sha256
                : throw new InvalidOperationException($"{presetOrFolder} is not the cached base; create a model from it first");
    }

    private void Release()
    {
        if (_cached is null) return;
        foreach (var t in _cached.Value.Weights.Values) t.Dispose();
        _cached = null;
    }

    public void Dispose()
    {
        lock (_gate) Release();
    }
}
