using System.Text;
using Platform.Api.Errors;
using Platform.Api.Inference;
using Platform.Inference.Engine;

namespace Platform.Api.Apis;

/// <summary>POST /v1/completions (legacy text completions): the prompt as is, no chat template.</summary>
public static class CompletionsApi
{
    public static RouteGroupBuilder MapCompletionsApi(this RouteGroupBuilder v1)
    {
        v1.MapPost("/completions", Create).WithTags("Completions");
        return v1;
    }

    private static async Task<IResult> Create(HttpContext http, CompletionServices services, CancellationToken ct)
    {
        var request = CompletionRequestParser.Text(await RequestBody.ReadObjectAsync(http.Request, ct), services.Options.Value.MaxChoices);
        var (session, error) = await CompletionSession.OpenAsync(http, services, request.Params, tokenizer => tokenizer.Encode(request.Prompt), ct);
        if (session is null) return error!;
        var n = request.Params.N;
        var texts = Enumerable.Range(0, n).Select(_ => new StringBuilder()).ToArray();
        var logprobs = Enumerable.Range(0, n).Select(_ => new List<TokenLogprob?>()).ToArray();
        var finish = new string?[n];
        TextCompletionObject Event(IReadOnlyList<TextChoice> choices, UsageObject? usage) => new("cmpl-" + session.Id, session.Created, session.Model, choices, usage);
        var sse = new ServerSentEvents(http);
        try
        {
            if (request.Params.Stream) sse.Start();
            await foreach (var (i, chunk) in session.ChunksAsync(ct))
            {
                if (finish[i] is not null) continue;
                var offset = texts[i].Length;
                texts[i].Append(chunk.Text);
                logprobs[i].Add(chunk.Logprob);
                var blocked = session.Filter.Violation(texts[i].ToString()) is not null;
                finish[i] = blocked ? FinishReasons.ContentFilter : chunk.Finish is null ? null : FinishReasons.Name(chunk.Finish);
                if (request.Params.Stream)
                    await sse.WriteAsync(Event([new TextChoice(i, blocked ? "" : chunk.Text, TextLogprobs.From([chunk.Logprob], offset), finish[i])], null), ct);
            }
            var usage = UsageObject.Of(session.PromptTokens * n, session.CompletionTokens);
            if (!request.Params.Stream)
                return Results.Ok(Event(Enumerable.Range(0, n).Select(i => finish[i] == FinishReasons.ContentFilter
                    ? new TextChoice(i, "", null, finish[i])
                    : new TextChoice(i, texts[i].ToString(), TextLogprobs.From(logprobs[i], 0), finish[i] ?? "length")).ToList(), usage));
            if (request.Params.IncludeUsage) await sse.WriteAsync(Event([], usage), ct);
            await sse.DoneAsync(ct);
            return Results.Empty;
        }
        catch (Exception e) when (e is not OperationCanceledException && !request.Params.Stream)
        {
            return InferenceFailures.Result(e);
        }
        catch (Exception e) when (e is not OperationCanceledException && !ct.IsCancellationRequested)
        {
            await sse.WriteAsync(InferenceFailures.Error(e), ct);  // headers are gone: the error is the stream's last event
            return Results.Empty;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return Results.Empty;
        }
        finally
        {
            await session.FinishAsync();
        }
    }
}
