using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Platform.Data.Entities;
using Platform.Domain.Files;
using Platform.Domain.Storage;

namespace Platform.Domain.Datasets;

public sealed record ValidationOutcome(DatasetSummary? Dataset, IReadOnlyList<ValidationProblem> Problems, int TotalProblems, StagedObject? Normalized);

/// <summary>
/// Checks a staged upload example by example, streaming: JSON Lines, a JSON array, or CSV (query,response[,system]).
/// A file with any problem is reported whole (line numbers and reasons, capped) and never half-accepted.
/// Clean files get token statistics counted with the real chat template and tokenizer.
/// </summary>
public sealed class DatasetValidator(IArtifactStore store, ITokenCounter tokens, IOptions<DatasetValidationOptions> options)
{
    public async Task<ValidationOutcome> ValidateAsync(StagedObject staged, string filename, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var format = await DetectFormatAsync(staged, filename, cancellationToken);
        var problems = new List<ValidationProblem>();
        var total = 0;
        var seen = new HashSet<UInt128>();
        DatasetKind? kind = null;
        int examples = 0, duplicates = 0, maxTokens = 0;
        long totalTokens = 0;
        string? normalizedPath = format == "jsonl" ? null : Path.GetTempFileName();
        await using var normalized = normalizedPath is null ? null : new StreamWriter(normalizedPath);

        void Problem(RawExample at, string message)
        {
            if (++total <= o.MaxReportedProblems) problems.Add(new ValidationProblem(at.Line, at.IsArrayItem ? $"item {at.Line}: {message}" : message));
        }

        await using (var stream = store.OpenStaged(staged))
        {
            await foreach (var raw in Read(format, stream, o, cancellationToken))
            {
                if (raw.Json is not { } json) { Problem(raw, raw.Error!); continue; }
                kind ??= ExampleRules.DetectKind(json);
                var (conversations, problem) = ExampleRules.Check(json, kind.Value);
                if (problem is not null) { Problem(raw, $"{problem} ({kind.Value.ToString().ToLowerInvariant()} dataset)"); continue; }
                var count = conversations.Max(c => tokens.CountChat(c.Turns, c.GenerationPrompt));
                if (count > o.MaxExampleTokens) { Problem(raw, $"example is {count} tokens, longer than the limit of {o.MaxExampleTokens}"); continue; }
                examples++;
                totalTokens += count;
                maxTokens = Math.Max(maxTokens, count);
                var text = json.GetRawText();
                if (!seen.Add(Fingerprint(text))) duplicates++;
                if (normalized is not null) await normalized.WriteLineAsync(text.AsMemory(), cancellationToken);
            }
        }
        if (total == 0 && examples == 0) { total = 1; problems.Add(new ValidationProblem(0, "file contains no examples")); }

        StagedObject? normalizedStaged = null;
        if (normalized is not null)
        {
            await normalized.DisposeAsync();
            if (total == 0)
            {
                await using var file = File.OpenRead(normalizedPath!);
                normalizedStaged = await store.StageAsync(file, long.MaxValue, cancellationToken);
            }
            File.Delete(normalizedPath!);
        }
        var summary = kind is null ? null : new DatasetSummary(kind.Value.ToString().ToLowerInvariant(), examples, totalTokens, maxTokens, duplicates);
        return new ValidationOutcome(summary, problems, total, normalizedStaged);
    }

    private static IAsyncEnumerable<RawExample> Read(string format, Stream stream, DatasetValidationOptions o, CancellationToken ct) => format switch
    {
        "csv" => CsvExampleReader.ReadAsync(stream, ct),
        "json" => JsonArrayExampleReader.ReadAsync(stream, ct),
        _ => JsonlExampleReader.ReadAsync(stream, o.MaxLineBytes, ct),
    };

    /// <summary>CSV by extension; a JSON array when the first non-space byte is '['; JSON Lines otherwise.</summary>
    private async Task<string> DetectFormatAsync(StagedObject staged, string filename, CancellationToken ct)
    {
        if (filename.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) return "csv";
        await using var stream = store.OpenStaged(staged);
        var head = new byte[4096];
        var n = await stream.ReadAsync(head, ct);
        var first = head.Take(n).SkipWhile(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF).FirstOrDefault();
        return first == (byte)'[' ? "json" : "jsonl";
    }

    private static UInt128 Fingerprint(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text), hash);
        return new UInt128(BitConverter.ToUInt64(hash), BitConverter.ToUInt64(hash[8..]));
    }
}
