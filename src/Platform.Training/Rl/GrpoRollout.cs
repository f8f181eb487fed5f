using System.Diagnostics;
using Platform.Training.Generation;
using Platform.Training.Qwen3;
using Platform.Training.Sft;
using Platform.Training.Text;

namespace Platform.Training.Rl;

/// <summary>
/// One rollout batch: prompt + completion sequences (loss weight on the completion, its stop token included),
/// rewards and their components, group advantages, and what the step reports about them.
/// </summary>
internal sealed record GrpoRollout(
    IReadOnlyList<SftExample> Sequences, double[] Advantages, int[] CompletionLengths, int Truncated, double[] Rewards,
    double[][] Components, int[] Errors, string?[] FirstErrors, TimeSpan Elapsed)
{
    public long GeneratedTokens => CompletionLengths.Sum(l => (long)l);

    /// <summary>
    /// Samples <c>NumGenerations</c> completions of each prompt in one batched KV-cache decode, decodes and scores them.
    /// The sampler's seed comes from (run seed, step), so a resumed run draws the same completions.
    /// </summary>
    public static GrpoRollout Sample(Qwen3ForCausalLM model, Qwen3Tokenizer tokenizer, ICompletionScorer scorer, IReadOnlyList<PromptItem> prompts,
        IReadOnlyList<int[]> promptIds, GrpoOptions o, int step, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var g = o.NumGenerations;
        var rows = promptIds.SelectMany(p => Enumerable.Repeat(p, g)).ToList();
        var generated = new Qwen3Generator(model).Generate(rows, new GenerationOptions
        {
            MaxNewTokens = o.MaxCompletionLength, Temperature = o.Temperature, TopP = o.TopP, TopK = o.TopK,
            StopTokenIds = new HashSet<int> { tokenizer.ImEnd, tokenizer.EndOfText }, PadTokenId = tokenizer.PadTokenId,
            Seed = unchecked(o.Seed * 1_000_003UL + (ulong)step + 1),
        }, cancellationToken: cancellationToken);

        var components = scorer.Components.Select(_ => new double[rows.Count]).ToArray();
        var errors = new int[scorer.Components.Count];
        var firstErrors = new string?[scorer.Components.Count];
        var rewards = new double[rows.Count];
        var sequences = new List<SftExample>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var completion = generated[i].Tokens;
            var score = CompletionScore.Checked(scorer, prompts[i / g], tokenizer.Decode(completion, skipSpecialTokens: true));
            rewards[i] = score.Reward;
            for (var c = 0; c < errors.Length; c++)
            {
                components[c][i] = score.Components[c];
                if (score.Errors[c] is not { } error) continue;
                errors[c]++;
                firstErrors[c] ??= error;
            }
            var weights = new float[rows[i].Length + completion.Length];
            Array.Fill(weights, 1f, rows[i].Length, completion.Length);
            sequences.Add(new SftExample([.. rows[i], .. completion], weights));
        }
        return new GrpoRollout(sequences, GrpoLoss.Advantages(rewards, g, o.ScaleRewards), generated.Select(s => s.Tokens.Length).ToArray(),
            generated.Count(s => s.Reason == FinishReason.Length), rewards, components, errors, firstErrors, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Every completion of the step scored the same: the advantages are all 0 and the step teaches nothing.</summary>
    public bool FlatRewards => Rewards.All(r => r == Rewards[0]);

    /// <summary>Reward and component statistics, and the warnings about graders that failed (the rest are <see cref="GrpoHealth"/>'s).</summary>
    public (Dictionary<string, double> Metrics, List<string> Warnings) Report(IReadOnlyList<string> componentNames, int groupSize)
    {
        var metrics = new Dictionary<string, double>
        {
            ["reward"] = Rewards.Average(),
            ["reward_std"] = Rewards.Chunk(groupSize).Average(StandardDeviation),
            ["frac_reward_zero_std"] = Rewards.Chunk(groupSize).Count(r => StandardDeviation(r) == 0) / (double)(Rewards.Length / groupSize),
            ["completions/mean_length"] = CompletionLengths.Average(),
            ["completions/clipped_ratio"] = Truncated / (double)CompletionLengths.Length,
        };
        for (var c = 0; c < componentNames.Count; c++)
        {
            metrics[$"rewards/{componentNames[c]}/mean"] = Components[c].Average();
            metrics[$"rewards/{componentNames[c]}/std"] = StandardDeviation(Components[c]);
            metrics[$"grader_errors/{componentNames[c]}"] = Errors[c];
        }
        var warnings = new List<string>();
        for (var c = 0; c < componentNames.Count; c++)
            if (Errors[c] > 0) warnings.Add($"grader '{componentNames[c]}' failed on {Errors[c]} of {Rewards.Length} completions (scored 0): {FirstErrors[c]}");
        return (metrics, warnings);
    }

    /// <summary>Unbiased, as torch.std (0 for one value).</summary>
    private static double StandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }
}
