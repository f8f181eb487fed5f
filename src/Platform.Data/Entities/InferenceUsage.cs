namespace Platform.Data.Entities;

/// <summary>Billing record of one completion request: tokens in and out, per tenant and the model it named.</summary>
public sealed class InferenceUsage
{
    public long Id { get; set; }
    public required string TenantId { get; set; }
    /// <summary>The model as the caller named it (base model id or ft:… id).</summary>
    public required string Model { get; set; }
    public int PromptTokens { get; set; }
    public int CompletionTokens { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
