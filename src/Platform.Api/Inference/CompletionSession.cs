using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Platform.Api.Apis;
using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Inference;
using Platform.Inference.Engine;
using Platform.Training.Text;

namespace Platform.Api.Inference;

/// <summary>What a completion request needs from the host, in one parameter.</summary>
public sealed record CompletionServices(
    ServedModels Models, IInferenceRouter Router, TenantLimits Limits, UsageRecorder Usage, IOutputFilter Filter, IOptions<ServingOptions> Options);

/// <summary>
/// One completion request in flight: the model resolved for the tenant, limits taken, n sequences submitted (seed + i
/// for choice i). Its chunks arrive tagged with the choice; <see cref="FinishAsync"/> settles limits and records usage.
/// The sequences are tied to the HTTP request, so a client that goes away frees their slots at the next engine step.
/// </summary>
public sealed class CompletionSession
{
    private readonly CompletionServices services;
    private readonly TenantLimits.Lease lease;
    private readonly IReadOnlyList<ChannelReader<GenerationChunk>> readers;
    private readonly int[] completionTokens;

    private CompletionSession(CompletionServices services, string tenantId, string model, int promptTokens, TenantLimits.Lease lease,
        IReadOnlyList<ChannelReader<GenerationChunk>> readers)
    {
        (this.services, TenantId, Model, PromptTokens, this.lease, this.readers) = (services, tenantId, model, promptTokens, lease, readers);
        completionTokens = new int[readers.Count];
        Id = Guid.NewGuid().ToString("N")[..24];
    }

    public string Id { get; }
    public string TenantId { get; }
    public string Model { get; }
    public int PromptTokens { get; }
    public long Created { get; } = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    public int CompletionTokens => completionTokens.Sum();
    public IOutputFilter Filter => services.Filter;

    /// <summary>
    /// The session, or the error response (404 model_not_found, 429 with Retry-After, 400 / 503 from the engine). A
    /// fine-tuned model's session opens only once every choice has its first token (or its error): an adapter that does
    /// not fit the base or cannot be loaded is a 400 <c>adapter_invalid</c> with the reason, never a stream that
    /// fails half-way and never the base model's answer.
    /// </summary>
    public static async Task<(CompletionSession? Session, IResult? Error)> OpenAsync(HttpContext http, CompletionServices services,
        CompletionParams p, Func<Qwen3Tokenizer, int[]> encode, CancellationToken cancellationToken)
    {
        var tenant = TenantCaller.From(http).TenantId;
        var model = await services.Models.FindAsync(p.Model, tenant, cancellationToken);
        if (model is null)
            return (null, ApiError.Result(404, $"The model '{p.Model}' does not exist or you do not have access to it.", "invalid_request_error", "model_not_found", "model"));
        IInferenceTarget target;
        try { target = await services.Router.RouteAsync(model, cancellationToken); }
        catch (InferenceUnavailableException e) { return (null, ApiError.Result(503, e.Message, "server_error", "inference_unavailable", "model")); }
        var prompt = encode(target.Tokenizer);
        var stopTokens = new HashSet<int> { target.Tokenizer.ImEnd, target.Tokenizer.EndOfText };
        var maxTokens = p.MaxTokens ?? Math.Max(1, Math.Min(services.Options.Value.DefaultMaxTokens, target.MaxContext - prompt.Length));
        var (lease, retryAfter, limit) = services.Limits.TryAcquire(tenant, (prompt.Length + maxTokens) * p.N);
        if (lease is null)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return (null, ApiError.Result(429, $"Rate limit reached for {limit} on this organization. Retry after {seconds} s.", "requests", "rate_limit_exceeded"));
        }
        try
        {
            var readers = new List<ChannelReader<GenerationChunk>>();
            for (var choice = 0; choice < p.N; choice++)
                readers.Add(await target.SubmitAsync(new InferenceRequest
                {
                    TenantId = tenant, Prompt = prompt, Adapter = model.Adapter,
                    Sampling = new SamplingParams
                    {
                        Temperature = p.Temperature, TopP = p.TopP, TopK = p.TopK, Seed = p.Seed is { } seed ? seed + (ulong)choice : null,
                        MaxTokens = maxTokens, Stop = p.Stop, StopTokenIds = stopTokens, Logprobs = p.Logprobs, TopLogprobs = p.TopLogprobs,
                    },
                }, http.RequestAborted));
            if (model.Adapter is not null)
                await Task.WhenAll(readers.Select(r => r.WaitToReadAsync(cancellationToken).AsTask()));
            return (new CompletionSession(services, tenant, p.Model, prompt.Length, lease, readers), null);
        }
        catch (InferenceUnavailableException e)
        {
            lease.Dispose();
            return (null, ApiError.Result(503, e.Message, "server_error", "inference_unavailable", "model"));
        }
        catch (InferenceRefusedException e)
        {
            lease.Dispose();
            return (null, e.Overloaded
                ? ApiError.Result(503, e.Message, "server_error", "engine_overloaded")
                : ApiError.Result(400, e.Message, "invalid_request_error", "context_length_exceeded", "messages"));
        }
        catch (InvalidAdapterException e)
        {
            lease.Dispose();
            return (null, ApiError.Result(400, $"The model '{p.Model}' cannot be used: {e.Message}", "invalid_request_error", InvalidAdapterException.Code, "model"));
        }
        catch (Exception e) when (e is not OperationCanceledException && model.Adapter is not null)
        {
            lease.Dispose();  // the engine failed before the first token: the error now, rather than a stream that ends in one
            return (null, InferenceFailures.Result(e));
        }
        catch (OperationCanceledException)
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>Every choice's chunks as they come, tagged with the choice index.</summary>
    public async IAsyncEnumerable<(int Choice, GenerationChunk Chunk)> ChunksAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var merged = Channel.CreateUnbounded<(int, GenerationChunk)>();
        var pumps = readers.Select(async (reader, choice) =>
        {
            await foreach (var chunk in reader.ReadAllAsync(cancellationToken))
            {
                completionTokens[choice] = chunk.CompletionTokens;
                await merged.Writer.WriteAsync((choice, chunk), cancellationToken);
            }
        }).ToList();
        _ = Task.WhenAll(pumps).ContinueWith(t => merged.Writer.TryComplete(t.Exception?.InnerException), TaskScheduler.Default);
        await foreach (var item in merged.Reader.ReadAllAsync(cancellationToken)) yield return item;
    }

    public async Task FinishAsync()
    {
        lease.Settle(PromptTokens * readers.Count + CompletionTokens);
        lease.Dispose();
        await services.Usage.RecordAsync(TenantId, Model, PromptTokens * readers.Count, CompletionTokens);
    }
}
