using Microsoft.Extensions.Logging;
using Platform.Inference.Kv;
using Platform.Inference.Lora;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Inference.Engine;

public sealed partial class InferenceEngine
{
    private void Loop()
    {
        using var noGrad = no_grad();
        while (!stopping)
        {
            try
            {
                residency.Apply();
                DropCancelled();
                Admit();
                PublishStats();  // before Step writes tokens: a reader that sees one sees its request running
                if (running.Count > 0) Step();
            }
            catch (Exception e)
            {
                LogStepFailed(logger, e);
                foreach (var sequence in running.ToList()) Finish(sequence, e);
            }
            PublishStats();
            if (running.Count == 0) wake.WaitOne(waiting.Count > 0 ? 20 : 500);
        }
        var error = new ObjectDisposedException(nameof(InferenceEngine));
        foreach (var sequence in running.ToList()) Finish(sequence, error);
        foreach (var sequence in waiting.All().Concat(incoming)) sequence.Complete(error);
    }

    private void DropCancelled()
    {
        while (incoming.TryDequeue(out var sequence)) waiting.Add(sequence);
        foreach (var sequence in waiting.All().Where(s => s.Cancelled)) Refuse(sequence, new OperationCanceledException());
        foreach (var sequence in running.Where(s => s.Cancelled).ToList()) Finish(sequence, new OperationCanceledException());
    }

    /// <summary>Moves waiting sequences into free rows, tenants with the fewest running first, while pages last.</summary>
    private void Admit()
    {
        var admitted = true;
        while (admitted && running.Count < options.MaxRunning && waiting.Count > 0)
        {
            admitted = false;
            foreach (var sequence in waiting.InFairOrder(RunningOf))
            {
                var slot = 0;
                if (sequence.Request.Adapter is { } adapter)
                {
                    try
                    {
                        if (residency.TryPin(adapter) is not { } pinned) continue;  // loading: others go first
                        slot = pinned;
                    }
                    catch (InvalidAdapterException e)
                    {
                        Refuse(sequence, e);
                        admitted = true;
                        break;
                    }
                }
                var rented = pages.Rent(sequence.PagesNeeded(cache.PageSize));
                if (rented is null)
                {
                    if (slot != 0) residency.Unpin(sequence.Request.Adapter!.Id);
                    return;  // wait for memory rather than let smaller requests overtake forever
                }
                (sequence.Pages, sequence.Slot) = (rented, slot);
                if (!sequence.Sampling.IsGreedy) sequence.Generator = new Generator(sequence.Sampling.Seed ?? (ulong)Random.Shared.NextInt64());
                waiting.Remove(sequence);
                running.Add(sequence);
                admitted = true;
                break;
            }
        }
    }

    private int RunningOf(string tenant) => running.Count(s => s.Request.TenantId == tenant);

    /// <summary>One decode forward for every row with one pending token, one forward for prompt chunks within the token budget.</summary>
    private void Step()
    {
        var decode = running.Where(s => s.Pending == 1).Select(s => (s, 1)).ToList();
        var prefill = new List<(Sequence, int)>();
        var budget = options.MaxBatchTokens - decode.Count;
        foreach (var sequence in running.Where(s => s.Pending > 1).OrderBy(s => s.Order))
        {
            if (budget <= 0 && (decode.Count > 0 || prefill.Count > 0)) break;
            var chunk = Math.Min(sequence.Pending, Math.Min(options.PrefillChunk, Math.Max(budget, 1)));
            prefill.Add((sequence, chunk));
            budget -= chunk;
        }
        if (decode.Count > 0) Forward(decode);
        if (prefill.Count > 0) Forward(prefill);
        steps++;
    }

    /// <summary>Feeds each row its next <c>New</c> tokens (right-padded to the longest); rows that reach their end sample.</summary>
    private void Forward(List<(Sequence Sequence, int New)> rows)
    {
        using var scope = NewDisposeScope();
        var device = model.LmHeadLinear.weight!.device;
        var length = rows.Max(r => r.New);
        var ids = new long[rows.Count * length];
        var positions = new long[rows.Count * length];
        for (var r = 0; r < rows.Count; r++)
        {
            var (sequence, count) = rows[r];
            for (var i = 0; i < length; i++)
            {
                ids[r * length + i] = i < count ? sequence.Tokens[sequence.Cached + i] : tokenizer.PadTokenId;
                positions[r * length + i] = sequence.Cached + i;
            }
        }
        var inputIds = tensor(ids, [rows.Count, length], ScalarType.Int64, device);                       // (B, T)
        var positionIds = tensor(positions, [rows.Count, length], ScalarType.Int64, device);              // (B, T)
        Tensor hidden;
        try
        {
            var mask = cache.Begin(rows.Select(r => new CacheRow(r.Sequence.Pages!, r.Sequence.Cached, r.New)).ToList(), length, device);
            lora.Set(rows.Select(r => r.Sequence.Slot).ToList(), length, options.MaxLoraRank, device);
            hidden = model.Model.forward(inputIds, mask, positionIds, cache);                              // (B, T, H)
        }
        finally
        {
            cache.End();
            lora.Clear();
        }
        foreach (var (sequence, count) in rows) sequence.Cached += count;

        var ready = Enumerable.Range(0, rows.Count).Where(r => rows[r].Sequence.Pending == 0).ToList();
        if (ready.Count == 0) return;
        var last = tensor(ready.Select(r => (long)(r * length + rows[r].New - 1)).ToArray(), ScalarType.Int64, device);
        var finalHidden = hidden.view(rows.Count * length, -1).index_select(0, last);                    // (R, H)
        var logits = Head(finalHidden);                                                                   // (R, V)
        var sequences = ready.Select(r => rows[r].Sequence).ToList();
        var chosen = RowSampler.Sample(logits, sequences, tokenizer);
        for (var i = 0; i < sequences.Count; i++) Append(sequences[i], chosen[i].Token, chosen[i].Logprob);
    }

    /// <summary>The LM head over the rows that sample; a decode step's few rows go to <see cref="DecodeProjection"/>.</summary>
    private Tensor Head(Tensor finalHidden)
    {
        var head = model.LmHeadLinear;
        return ReferenceEquals(model.LmHead, head) ? DecodeProjection.Linear(finalHidden, head) : model.LmHead.call(finalHidden);
    }

    private void Append(Sequence sequence, int token, TokenLogprob? logprob)
    {
        sequence.Generated++;
        generated++;
        var sampling = sequence.Sampling;
        var prompt = sequence.Request.Prompt.Length;
        if (sampling.StopTokenIds.Contains(token))
        {
            sequence.Write(new GenerationChunk(sequence.Text.Flush(), token, logprob, FinishReason.Stop, prompt, sequence.Generated));
            Finish(sequence);
            return;
        }
        sequence.Tokens.Add(token);
        var (delta, stopped) = sequence.Text.Add(token);
        FinishReason? finish = stopped ? FinishReason.Stop : sequence.Generated >= sampling.MaxTokens ? FinishReason.Length : null;
        if (finish == FinishReason.Length) delta += sequence.Text.Flush();
        sequence.Write(new GenerationChunk(delta, token, logprob, finish, prompt, sequence.Generated));
        if (finish is not null) Finish(sequence);
    }

    /// <summary>Leaves the batch: pages back to the pool, adapter unpinned, the reader completed.</summary>
    private void Finish(Sequence sequence, Exception? error = null)
    {
        running.Remove(sequence);
        if (sequence.Pages is { } owned) pages.Return(owned);
        sequence.Pages = null;
        if (sequence.Slot != 0) residency.Unpin(sequence.Request.Adapter!.Id);
        sequence.Slot = 0;
        sequence.Generator?.Dispose();
        sequence.Registration.Dispose();
        PublishStats();  // a reader that sees its request end sees the engine without it
        sequence.Complete(error);
    }

    /// <summary>Leaves the queue before it ran: the reader completed with the error.</summary>
    private void Refuse(Sequence sequence, Exception error)
    {
        waiting.Remove(sequence);
        PublishStats();  // as in Finish: a reader that sees its request end sees the engine without it
        sequence.Complete(error);
    }

    private void PublishStats() =>
        Stats = new EngineStats(running.Count, waiting.Count + incoming.Count, pages.Free, pages.Total, cache.PageSize, residency.ResidentIds, steps, generated);

    [LoggerMessage(Level = LogLevel.Error, Message = "Inference step failed; its sequences end with the error")]
    private static partial void LogStepFailed(ILogger logger, Exception exception);
}
