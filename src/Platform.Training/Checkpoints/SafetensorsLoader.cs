using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Checkpoints;

/// <summary>Copies tensors from safetensors files into existing tensors (a module's state dict), one at a time.</summary>
public static class SafetensorsLoader
{
    /// <summary>
    /// For every tensor in <paramref name="files"/>: copies it into the target of the same name (after
    /// <paramref name="rename"/>), converting dtype and device. Throws on a name with no target or a shape mismatch.
    /// Returns the target names that were filled.
    /// </summary>
    public static HashSet<string> LoadInto(IReadOnlyDictionary<string, Tensor> targets, IEnumerable<string> files,
        CancellationToken cancellationToken = default, Func<string, string>? rename = null)
    {
        var loaded = new HashSet<string>();
        using var _ = no_grad();
        foreach (var file in files)
        {
            using var reader = SafetensorsReader.Open(file);
            foreach (var entry in reader.Entries.Values)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var name = rename?.Invoke(entry.Name) ?? entry.Name;
                if (!targets.TryGetValue(name, out var target))
                    throw new InvalidDataException($"{file}: '{entry.Name}' does not belong to this model");
                if (!target.shape.SequenceEqual(entry.Shape))
                    throw new InvalidDataException(
                        $"{file}: '{entry.Name}' is [{string.Join(",", entry.Shape)}], the model expects [{string.Join(",", target.shape)}]");
                using var value = reader.Read(entry.Name, target.dtype);
                target.copy_(value);
                loaded.Add(name);
            }
        }
        return loaded;
    }
}
