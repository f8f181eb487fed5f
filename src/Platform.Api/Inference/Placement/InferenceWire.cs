using Platform.Domain.Inference;
using Platform.Domain.Storage;
using Platform.Inference.Engine;
using Platform.Inference.Lora;

namespace Platform.Api.Inference.Placement;

/// <summary>The engine's request and chunks to and from their wire forms (the engine assembly knows nothing of Orleans).</summary>
public static class InferenceWire
{
    public static InferenceCall ToCall(InferenceRequest request, ServedModel model)
    {
        var s = request.Sampling;
        return new InferenceCall(request.TenantId, model.BaseModelId, request.Prompt, request.Adapter?.Id, model.AdapterPath,
            new InferenceSampling(s.Temperature, s.TopP, s.TopK, s.Seed, s.MaxTokens, [.. s.Stop], [.. s.StopTokenIds], s.Logprobs, s.TopLogprobs));
    }

    public static InferenceRequest ToRequest(InferenceCall call, IArtifactStore store)
    {
        var s = call.Sampling;
        return new InferenceRequest
        {
            TenantId = call.TenantId, Prompt = call.Prompt,
            Adapter = call.AdapterId is { } id && call.AdapterPath is { } path ? new AdapterRef(id, store.Folder(path)) : null,
            Sampling = new SamplingParams
            {
                Temperature = s.Temperature, TopP = s.TopP, TopK = s.TopK, Seed = s.Seed, MaxTokens = s.MaxTokens, Stop = s.Stop,
                StopTokenIds = s.StopTokenIds.ToHashSet(), Logprobs = s.Logprobs, TopLogprobs = s.TopLogprobs,
            },
        };
    }

    public static InferenceChunk ToWire(GenerationChunk c) => new(InferenceChunkKind.Token, c.Text, c.TokenId,
        c.Logprob is { } l ? new InferenceLogprob(l.TokenId, l.Token, l.Logprob, [.. l.Top.Select(t => new InferenceTopLogprob(t.TokenId, t.Token, t.Logprob))]) : null,
        c.Finish is { } f ? (int)f : null, c.PromptTokens, c.CompletionTokens);

    public static GenerationChunk FromWire(InferenceChunk c) => new(c.Text, c.TokenId,
        c.Logprob is { } l ? new TokenLogprob(l.TokenId, l.Token, l.Logprob, [.. l.Top.Select(t => (t.TokenId, t.Token, t.Logprob))]) : null,
        c.Finish is { } f ? (FinishReason)f : null, c.PromptTokens, c.CompletionTokens);
}
