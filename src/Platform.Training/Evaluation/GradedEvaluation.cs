using Platform.Training.Generation;
using Platform.Training.Qwen3;
using Platform.Training.Rl;
using Platform.Training.Text;

namespace Platform.Training.Evaluation;

/// <summary>
/// Graded generations on validation prompts: one greedy completion per prompt (so repeated evaluations are comparable),
/// scored by the grader. Metrics: <c>valid_reward</c> (the mean), per component <c>valid_rewards/&lt;name&gt;/mean</c> and
/// <c>valid_grader_errors/&lt;name&gt;</c> (scores that failed, counted as 0, as in training), and
/// <c>valid_completions/clipped_ratio</c>.
/// </summary>
public static class GradedEvaluation
{
    public static Dictionary<string, double> Evaluate(Qwen3ForCausalLM model, Qwen3Tokenizer tokenizer, ICompletionScorer scorer,
        IReadOnlyList<EvalPrompt> prompts, int maxCompletionLength, int batchSize, CancellationToken cancellationToken = default)
    {
        var wasTraining = model.training;
        var names = scorer.Components;
        var sums = new double[names.Count];
        var errors = new int[names.Count];
        double reward = 0;
        var clipped = 0;
        var generator = new Qwen3Generator(model);
        foreach (var batch in prompts.Chunk(Math.Max(1, batchSize)))
        {
            var ids = batch.Select(p => tokenizer.EncodeChat(p.Prompt.Messages, addGenerationPrompt: true, p.EnableThinking).Ids).ToList();
            var generated = generator.Generate(ids, new GenerationOptions
            {
                MaxNewTokens = maxCompletionLength, StopTokenIds = new HashSet<int> { tokenizer.ImEnd, tokenizer.EndOfText },
                PadTokenId = tokenizer.PadTokenId,
            }, cancellationToken: cancellationToken);
            for (var i = 0; i < batch.Length; i++)
            {
                var score = CompletionScore.Checked(scorer, batch[i].Prompt, tokenizer.Decode(generated[i].Tokens, skipSpecialTokens: true));
                reward += score.Reward;
                for (var c = 0; c < names.Count; c++)
                {
                    sums[c] += score.Components[c];
                    if (score.Errors[c] is not null) errors[c]++;
                }
                if (generated[i].Reason == FinishReason.Length) clipped++;
            }
        }
        if (wasTraining) model.train();
        var n = Math.Max(1, prompts.Count);
        var metrics = new Dictionary<string, double> { ["valid_reward"] = reward / n, ["valid_completions/clipped_ratio"] = clipped / (double)n };
        for (var c = 0; c < names.Count; c++)
        {
            metrics[$"valid_rewards/{names[c]}/mean"] = sums[c] / n;
            metrics[$"valid_grader_errors/{names[c]}"] = errors[c];
        }
        return metrics;
    }
}
