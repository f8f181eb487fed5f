using System.Text;
using Platform.Api.Errors;
using Platform.Api.Inference;
using Platform.Inference.Engine;

namespace Platform.Api.Apis;

/// <summary>
/// POST /v1/chat/completions, as OpenAI (and vLLM for Qwen3: chat_template_kwargs.enable_thinking, reasoning_content).
/// Streamed and non-streamed answers are built from the same chunks, so they are equal.
/// </summary>
public static class ChatCompletionsApi
{
    public static RouteGroupBuilder MapChatCompletionsApi(this RouteGroupBuilder v1)
    {
        v1.MapPost("/chat/completions", Create).WithTags("Chat");
        return v1;
    }

    private static async Task<IResult> Create(HttpContext http, CompletionServices services, CancellationToken ct)
    {
        var request = CompletionRequestParser.Chat(await RequestBody.ReadObjectAsync(http.Request, ct), services.Options.Value.MaxChoices);
        var (session, error) = await CompletionSession.OpenAsync(http, services, request.Params,
            tokenizer => tokenizer.EncodeChat(request.Messages, addGenerationPrompt: true, request.EnableThinking).Ids, ct);
        if (session is null) return error!;
        try
        {
            if (!request.Params.Stream) return await CompleteAsync(session, request, ct);
            await StreamAsync(http, session, request, ct);
            return Results.Empty;
        }
        finally
        {
            await session.FinishAsync();
        }
    }

    private static async Task<IResult> CompleteAsync(CompletionSession session, ChatRequest request, CancellationToken ct)
    {
        var n = request.Params.N;
        var texts = Enumerable.Range(0, n).Select(_ => new StringBuilder()).ToArray();
        var logprobs = Enumerable.Range(0, n).Select(_ => new List<TokenLogprob?>()).ToArray();
        var finish = new FinishReason?[n];
        try
        {
            await foreach (var (i, chunk) in session.ChunksAsync(ct))
            {
                texts[i].Append(chunk.Text);
                logprobs[i].Add(chunk.Logprob);
                finish[i] ??= chunk.Finish;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return InferenceFailures.Result(e);
        }
        var choices = Enumerable.Range(0, n).Select(i =>
        {
            var text = texts[i].ToString();
            if (session.Filter.Violation(text) is not null) return new ChatChoice(i, new ChatReply("", null), null, FinishReasons.ContentFilter);
            var (reasoning, content) = ReasoningSplit.Split(text, request.EnableThinking);
            return new ChatChoice(i, new ChatReply(content, reasoning.Length > 0 ? reasoning : null), ChatLogprobs.From(logprobs[i]), FinishReasons.Name(finish[i]));
        }).ToList();
        return Results.Ok(new ChatCompletionObject("chatcmpl-" + session.Id, session.Created, session.Model, choices,
            UsageObject.Of(session.PromptTokens * n, session.CompletionTokens)));
    }

    private static async Task StreamAsync(HttpContext http, CompletionSession session, ChatRequest request, CancellationToken ct)
    {
        var n = request.Params.N;
        var sse = new ServerSentEvents(http);
        ChatCompletionChunk Event(IReadOnlyList<ChunkChoice> choices, UsageObject? usage = null) =>
            new("chatcmpl-" + session.Id, session.Created, session.Model, choices, usage);
        var texts = Enumerable.Range(0, n).Select(_ => new StringBuilder()).ToArray();
        var sent = new (string Reasoning, string Content)[n];
        Array.Fill(sent, ("", ""));
        var filtered = new bool[n];
        sse.Start();
        try
        {
            await sse.WriteAsync(Event(Enumerable.Range(0, n).Select(i => new ChunkChoice(i, new ChunkDelta("assistant", ""), null, null)).ToList()), ct);
            await foreach (var (i, chunk) in session.ChunksAsync(ct))
            {
                if (filtered[i]) continue;
                texts[i].Append(chunk.Text);
                var text = texts[i].ToString();
                if (session.Filter.Violation(text) is not null)
                {
                    filtered[i] = true;
                    await sse.WriteAsync(Event([new ChunkChoice(i, new ChunkDelta(), null, FinishReasons.ContentFilter)]), ct);
                    continue;
                }
                var (reasoning, content) = ReasoningSplit.Split(text, request.EnableThinking);
                var delta = new ChunkDelta(null, NullIfEmpty(content[sent[i].Content.Length..]), NullIfEmpty(reasoning[sent[i].Reasoning.Length..]));
                sent[i] = (reasoning, content);
                var logprobs = chunk.Logprob is null ? null : ChatLogprobs.From([chunk.Logprob]);
                if (delta.Content is not null || delta.ReasoningContent is not null || logprobs is not null)
                    await sse.WriteAsync(Event([new ChunkChoice(i, delta, logprobs, null)]), ct);
                if (chunk.Finish is not null)
                    await sse.WriteAsync(Event([new ChunkChoice(i, new ChunkDelta(), null, FinishReasons.Name(chunk.Finish))]), ct);
            }
            if (request.Params.IncludeUsage) await sse.WriteAsync(Event([], UsageObject.Of(session.PromptTokens * n, session.CompletionTokens)), ct);
            await sse.DoneAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException && !ct.IsCancellationRequested)
        {
            await sse.WriteAsync(InferenceFailures.Error(e), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }  // the client left; its sequences are already freed
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}
