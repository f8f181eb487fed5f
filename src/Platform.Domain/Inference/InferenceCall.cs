namespace Platform.Domain.Inference;

/// <summary>One sequence to run on another silo: the engine's request in wire form, the adapter by its artifact-store path.</summary>
[GenerateSerializer, Alias("Platform.InferenceCall")]
public sealed record InferenceCall(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string BaseModelId,
    [property: Id(2)] int[] Prompt,
    [property: Id(3)] string? AdapterId,
    [property: Id(4)] string? AdapterPath,
    [property: Id(5)] InferenceSampling Sampling);

[GenerateSerializer, Alias("Platform.InferenceSampling")]
public sealed record InferenceSampling(
    [property: Id(0)] double Temperature,
    [property: Id(1)] double TopP,
    [property: Id(2)] int TopK,
    [property: Id(3)] ulong? Seed,
    [property: Id(4)] int MaxTokens,
    [property: Id(5)] IReadOnlyList<string> Stop,
    [property: Id(6)] IReadOnlyList<int> StopTokenIds,
    [property: Id(7)] bool Logprobs,
    [property: Id(8)] int TopLogprobs);

[GenerateSerializer, Alias("Platform.InferenceChunkKind")]
public enum InferenceChunkKind { Admitted = 0, Refused = 1, Token = 2 }

/// <summary>
/// An item of a remote generation: admission, refusal (Text is the reason, Overloaded says 503 rather than 400, Code
/// "adapter_invalid" says the adapter does not fit the base), or one engine chunk (Finish: 0 stop, 1 length, as the
/// engine's FinishReason).
/// </summary>
[GenerateSerializer, Alias("Platform.InferenceChunk")]
public sealed record InferenceChunk(
    [property: Id(0)] InferenceChunkKind Kind,
    [property: Id(1)] string Text,
    [property: Id(2)] int? TokenId,
    [property: Id(3)] InferenceLogprob? Logprob,
    [property: Id(4)] int? Finish,
    [property: Id(5)] int PromptTokens,
    [property: Id(6)] int CompletionTokens,
    [property: Id(7)] bool Overloaded = false,
    [property: Id(8)] string? Code = null)
{
    public const string AdapterInvalid = "adapter_invalid";
    public static InferenceChunk Admitted { get; } = new(InferenceChunkKind.Admitted, "", null, null, null, 0, 0);
    public static InferenceChunk Refused(string reason, bool overloaded, string? code = null) =>
        new(InferenceChunkKind.Refused, reason, null, null, null, 0, 0, overloaded, code);
}

[GenerateSerializer, Alias("Platform.InferenceLogprob")]
public sealed record InferenceLogprob(
    [property: Id(0)] int TokenId, [property: Id(1)] string Token, [property: Id(2)] double Logprob, [property: Id(3)] IReadOnlyList<InferenceTopLogprob> Top);

[GenerateSerializer, Alias("Platform.InferenceTopLogprob")]
public sealed record InferenceTopLogprob([property: Id(0)] int TokenId, [property: Id(1)] string Token, [property: Id(2)] double Logprob);
