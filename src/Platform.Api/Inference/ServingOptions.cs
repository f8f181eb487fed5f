namespace Platform.Api.Inference;

/// <summary>The completion endpoints' defaults and per-tenant limits (section "Serving"); the engine's own are "Inference".</summary>
public sealed class ServingOptions
{
    public const string Section = "Serving";

    /// <summary>max_tokens when a request names none.</summary>
    public int DefaultMaxTokens { get; set; } = 512;
    public int MaxChoices { get; set; } = 8;
    /// <summary>Per tenant, over a sliding minute.</summary>
    public int RequestsPerMinute { get; set; } = 600;
    /// <summary>Per tenant, over a sliding minute: prompt tokens plus max_tokens × n when admitted, settled to the tokens used.</summary>
    public int TokensPerMinute { get; set; } = 1_000_000;
    public int MaxConcurrentRequests { get; set; } = 32;
    /// <summary>Example output filter: a completion containing one of these (case-insensitive) ends with finish_reason content_filter.</summary>
    public List<string> BlockedPhrases { get; set; } = [];
}
