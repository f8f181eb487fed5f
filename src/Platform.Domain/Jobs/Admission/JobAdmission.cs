using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Data;
using Platform.Data.Entities;
using Platform.Domain.Errors;
using Platform.Domain.Files;
using Platform.Domain.Models;
using Platform.Domain.Storage;
using Platform.Domain.Workers;
using Platform.Training.Checkpoints;
using Platform.Training.Memory;
using Platform.Training.Qwen3;
using Platform.Training.Sft;

namespace Platform.Domain.Jobs.Admission;

/// <summary>
/// Before any GPU time: what a job would train on (rows, token lengths, truncation, thinking split), how long and how
/// much memory it would take on the worker that would run it, what it would cost, and whether it may start. The dry
/// run returns this; job creation applies its refusals (truncation beyond the allowed share, a peak memory no live
/// worker has) or, when asked, lowers the micro-batch so it fits.
/// </summary>
public sealed class JobAdmission(
    IDbContextFactory<PlatformDbContext> dbFactory, IArtifactStore store, BaseModelRegistry models, IGrainFactory grains,
    IOptions<JobAdmissionOptions> options)
{
    private readonly Dictionary<string, ChatDatasetProfile> _profiles = new(StringComparer.Ordinal);

    public async Task<JobQuote> QuoteAsync(string tenantId, CreateJob request, CancellationToken cancellationToken)
    {
        var model = models.Require(request.Model);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var file = await db.Files.AsNoTracking().SingleOrDefaultAsync(f => f.Id == request.TrainingFile && f.TenantId == tenantId, cancellationToken)
                   ?? throw new DomainException(ErrorKind.InvalidRequest, "file_not_found", $"No such file: '{request.TrainingFile}'", "training_file");
        var settings = JobSettingsResolver.Resolve(request, model, file.Stats?.Examples ?? 0);
        var refusals = new List<string>();
        var profile = await Task.Run(() => Profile(file, model, refusals, cancellationToken), cancellationToken);

        var rows = profile.Rows;
        var lengths = rows.Select(r => r.Tokens).Order().ToArray();
        var affected = profile.Truncated + profile.Rejected.Count;
        var fraction = rows.Count + profile.Rejected.Count == 0 ? 0 : (double)affected / (rows.Count + profile.Rejected.Count);
        if (fraction > options.Value.MaxTruncatedFraction && !request.AllowTruncation)
            refusals.Add($"{affected} of {rows.Count + profile.Rejected.Count} rows would be truncated at {model.MaxLength} tokens or are rejected " +
                         $"({fraction:P1}, more than the allowed {options.Value.MaxTruncatedFraction:P1}); {profile.TokensLost} tokens would be lost. " +
                         "Shorten the examples, or set \"allow_truncation\": true.");

        var steps = settings.NEpochs * (int)Math.Ceiling(Math.Max(1, rows.Count) / (double)settings.BatchSize);
        var trainedTokens = profile.KeptTokens * settings.NEpochs;
        var memory = Memory(model, settings, settings.EffectiveMicroBatch, profile);
        var feasibility = await FeasibilityAsync(model, settings, profile, memory, cancellationToken);
        if (feasibility.Fits == false)
            refusals.Add($"predicted peak memory {Mib(memory.Total)} MiB is more than the {Mib(feasibility.WorkerMemoryBytes!.Value)} MiB of the largest " +
                         $"live worker for {model.Id}" + (feasibility.SuggestedMicroBatch is { } m
                             ? $"; a micro-batch of {m} with {feasibility.SuggestedGradientAccumulation} accumulation steps would fit (set \"auto_adjust_batch\": true)"
                             : "; no micro-batch fits"));
        var (tokensPerSecond, basis) = await ThroughputAsync(db, model, cancellationToken);

        return new JobQuote(
            model.Id, file.Id,
            new RowCounts(rows.Count, profile.Rejected.Count, profile.Rejected.Take(100).Select(r => new RejectedLine(r.Line, r.Reason)).ToList(),
                profile.Thinking, rows.Count - profile.Thinking),
            new TokenLengths(Percentile(lengths, 0.5), Percentile(lengths, 0.95), lengths.LastOrDefault(), lengths.Sum(l => (long)l), Histogram(lengths)),
            new Truncation(model.MaxLength, profile.Truncated, profile.TokensLost, fraction, options.Value.MaxTruncatedFraction),
            trainedTokens, steps, settings,
            new Estimates(tokensPerSecond is { } tps ? trainedTokens / tps : null, tokensPerSecond, basis, memory.Total, new Dictionary<string, long>
            {
                ["runtime"] = memory.Runtime, ["weights"] = memory.Weights, ["trainable_state"] = memory.TrainableState,
                ["activations"] = memory.Activations, ["logits"] = memory.Logits,
            }),
            feasibility,
            model.PricePerMillionTrainedTokens is { } price ? new Price(Math.Round(price * trainedTokens / 1_000_000m, 4), price) : null,
            refusals.Count == 0, refusals);
    }

    /// <summary>The quote's refusals as the error a real job creation answers (400), or the settings it runs with.</summary>
    public async Task<JobSettings> AdmitAsync(string tenantId, CreateJob request, CancellationToken cancellationToken)
    {
        var quote = await QuoteAsync(tenantId, request, cancellationToken);
        var settings = quote.Hyperparameters;
        var memoryRefused = quote.Feasibility.Fits == false;
        if (memoryRefused && request.AutoAdjustBatch && quote.Feasibility.SuggestedMicroBatch is { } micro)
        {
            settings = settings with { MicroBatchSize = micro };
            memoryRefused = false;
        }
        var truncation = quote.Refusals.FirstOrDefault(r => r.Contains("truncated", StringComparison.Ordinal));
        if (truncation is not null) throw new DomainException(ErrorKind.InvalidRequest, "excessive_truncation", truncation, "training_file");
        if (memoryRefused)
            throw new DomainException(ErrorKind.InvalidRequest, "insufficient_memory",
                quote.Refusals.First(r => r.StartsWith("predicted peak memory", StringComparison.Ordinal)), "hyperparameters.batch_size");
        return settings;
    }

    private ChatDatasetProfile Profile(StoredFile file, BaseModelOptions model, List<string> refusals, CancellationToken ct)
    {
        if (file.Status != FileStatus.Processed)
        {
            var problems = file.ErrorReport is null ? [] : JsonSerializer.Deserialize<List<ValidationProblem>>(file.ErrorReport) ?? [];
            refusals.Add($"the training file failed validation: {file.StatusDetails}");
            return new ChatDatasetProfile([], problems.Select(p => new RejectedRow((int)p.Line, p.Message)).ToList(), model.MaxLength);
        }
        // Preference and prompt datasets (DPO, GRPO): the row and token analysis covers chat datasets only.
        if (file.Kind != DatasetKind.Chat) return new ChatDatasetProfile([], [], model.MaxLength);
        // A file's content never changes (it is addressed by its hash): a dry run and the job created after it measure once.
        var key = $"{file.NormalizedSha256 ?? file.Sha256}|{model.Id}|{model.MaxLength}";
        lock (_profiles)
            if (_profiles.TryGetValue(key, out var cached)) return cached;
        var tokenizer = BaseModelLoader.LoadTokenizer(model.Path ?? model.Preset ?? BaseModelRegistry.Tiny);
        ChatDatasetProfile profile;
        try
        {
            profile = ChatDatasetProfile.Measure(store.ObjectPath(file.TenantId, file.NormalizedSha256 ?? file.Sha256), tokenizer, model.MaxLength, ct);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // The stored content is gone (an operator's storage problem, not the request's): the quote says so; a real
            // job is not refused for it but fails on the worker with the same error, so the loss is on the record.
            refusals.Add($"the training file's stored content could not be read: {e.Message}");
            return new ChatDatasetProfile([], [], model.MaxLength);
        }
        lock (_profiles)
        {
            if (_profiles.Count >= 64) _profiles.Clear();
            _profiles[key] = profile;
        }
        return profile;
    }

    private static TrainingMemoryEstimate Memory(BaseModelOptions model, JobSettings s, int microBatch, ChatDatasetProfile profile) =>
        TrainingMemoryModel.Estimate(new TrainingMemoryShape
        {
            Config = model.Preset is not null ? Qwen3Presets.Get(model.Preset) : Qwen3Config.FromFile(Path.Combine(model.Path!, HfModelFolder.ConfigFile)),
            Lora = s.TrainType == "lora", LoraRank = s.LoraRank, MicroBatch = microBatch,
            Sequence = Math.Max(2, profile.Rows.Select(r => Math.Min(r.Tokens, profile.MaxLength)).DefaultIfEmpty(2).Max()),
            LossPositions = Math.Max(1, profile.Rows.Select(r => r.TargetTokens).DefaultIfEmpty(1).Max()),
            WeightBytes = BaseModelLoader.ParseDtype(model.Dtype) == TorchSharp.torch.ScalarType.Float32 ? 4 : 2,
            CachedBaseCopy = true,
        });

    private async Task<Feasibility> FeasibilityAsync(BaseModelOptions model, JobSettings s, ChatDatasetProfile profile,
        TrainingMemoryEstimate memory, CancellationToken ct)
    {
        var live = await grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.Key).Live().WaitAsync(ct);
        var best = live.Where(w => !w.Worker.Draining && w.Worker.BaseModels.Contains(model.Id) && w.Worker.DeviceMemoryBytes > 0)
            .MaxBy(w => w.Worker.DeviceMemoryBytes);
        if (best is null) return new Feasibility(null, memory.Total, null, null, null, null); // no worker to judge by yet
        var capacity = best.Worker.DeviceMemoryBytes;
        if (memory.Total <= capacity) return new Feasibility(true, memory.Total, capacity, best.Worker.WorkerId, null, null);
        // The largest divisor of the batch whose peak fits keeps the effective batch (micro × accumulation) unchanged.
        var micro = Enumerable.Range(1, s.BatchSize - 1).Reverse().Where(m => s.BatchSize % m == 0)
            .FirstOrDefault(m => Memory(model, s, m, profile).Total <= capacity);
        return new Feasibility(false, memory.Total, capacity, best.Worker.WorkerId, micro == 0 ? null : micro, micro == 0 ? null : s.BatchSize / micro);
    }

    /// <summary>Recent jobs' measured tokens/s on this base (the cluster's own figure), else the operator's estimate.</summary>
    private static async Task<(double?, string)> ThroughputAsync(PlatformDbContext db, BaseModelOptions model, CancellationToken ct)
    {
        var recent = await db.JobEvents.AsNoTracking()
            .Where(e => e.Type == "metrics" && db.Jobs.Any(j => j.Id == e.JobId && j.Model == model.Id))
            .OrderByDescending(e => e.CreatedAt).Take(50).Select(e => e.Data).ToListAsync(ct);
        var measured = recent.Where(d => d is not null)
            .Select(d => JsonDocument.Parse(d!).RootElement.TryGetProperty("tokens_per_second", out var t) ? t.GetDouble() : 0)
            .Where(t => t > 0).ToList();
        if (measured.Count > 0) return (measured.Average(), $"measured: mean of the last {measured.Count} training steps on {model.Id} in this cluster");
        return model.TrainTokensPerSecond is { } configured
            ? (configured, "the operator's estimate for this base model (no job has run on it yet)")
            : (null, "unknown: no job has run on this base model yet and the operator set no estimate");
    }

    private static int Percentile(int[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static List<LengthBucket> Histogram(int[] sorted)
    {
        var buckets = new List<LengthBucket>();
        for (var bound = 64; sorted.Length > 0; bound *= 2)
        {
            var lower = bound == 64 ? 0 : bound / 2;
            buckets.Add(new LengthBucket(bound, sorted.Count(l => l > lower && l <= bound)));
            if (bound >= sorted[^1]) break;
        }
        return buckets;
    }

    private static long Mib(long bytes) => bytes / (1024 * 1024);
}
