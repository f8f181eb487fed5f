using System.Globalization;
using Platform.Domain.Jobs;

namespace Platform.WebConsole.Queries;

/// <summary>A job's hyperparameters as stored, every "auto" already resolved, as (name, value) rows for the job page.</summary>
public static class JobHyperparameters
{
    public static IReadOnlyList<(string Name, string Value)> Of(string method, JobSettings s, long seed)
    {
        var inv = CultureInfo.InvariantCulture;
        var rows = new List<(string, string)>
        {
            ("method", method), ("train type", s.TrainType), ("epochs", s.NEpochs.ToString(inv)), ("batch size", s.BatchSize.ToString(inv)),
        };
        if (s.MicroBatchSize is { } micro)
            rows.Add(("micro-batch × accumulation", $"{micro.ToString(inv)} × {s.GradientAccumulation.ToString(inv)} (lowered to fit the worker's memory)"));
        rows.Add(("learning rate", s.LearningRate.ToString("g4", inv)));
        rows.Add(("learning rate multiplier", s.LearningRateMultiplier.ToString("g4", inv)));
        if (s.TrainType == "lora")
        {
            rows.Add(("LoRA rank / alpha / dropout", $"{s.LoraRank.ToString(inv)} / {s.LoraAlpha.ToString(inv)} / {s.LoraDropout.ToString(inv)}"));
            rows.Add(("target modules", string.Join(", ", s.TargetModules)));
        }
        rows.Add(("max length", s.MaxLength.ToString(inv)));
        rows.Add(("checkpoint every", $"{s.SaveSteps.ToString(inv)} steps"));
        if (method is "dpo" or "reinforcement") rows.Add(("beta", s.Beta.ToString("g4", inv)));
        if (method == "reinforcement")
        {
            rows.Add(("generations per prompt", s.NumGenerations.ToString(inv)));
            rows.Add(("epsilon (clip)", s.Epsilon.ToString("g4", inv)));
            rows.Add(("max completion length", s.MaxCompletionLength.ToString(inv)));
            if (s.Grader is not null) rows.Add(("grader", s.Grader));
        }
        rows.Add(("seed", seed.ToString(inv)));
        return rows;
    }
}
