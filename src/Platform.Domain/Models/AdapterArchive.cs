using System.Formats.Tar;
using System.IO.Compression;

namespace Platform.Domain.Models;

/// <summary>A fine-tuned model's PEFT adapter folder (adapter_config.json, adapter_model.safetensors) as one .tar.gz download.</summary>
public static class AdapterArchive
{
    public static string FileName(string modelId) => modelId.Replace(':', '_') + ".tar.gz";

    public static async Task WriteAsync(string folder, Stream output, CancellationToken cancellationToken)
    {
        await using var gzip = new GZipStream(output, CompressionLevel.Fastest);
        await TarFile.CreateFromDirectoryAsync(folder, gzip, includeBaseDirectory: false, cancellationToken);
    }
}
