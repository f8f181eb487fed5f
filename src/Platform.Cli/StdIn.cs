using System.Text;

namespace Platform.Cli;

internal static class StdIn
{
    /// <summary>All of stdin as strict UTF-8 (invalid bytes are an error, not silently replaced).</summary>
    public static async Task<string> ReadAllAsync(CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false, throwOnInvalidBytes: true));
        try { return await reader.ReadToEndAsync(cancellationToken); }
        catch (DecoderFallbackException) { throw new CliException("stdin is not valid UTF-8"); }
    }
}
