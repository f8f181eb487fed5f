namespace Platform.Domain.Models;

/// <summary>A base model customers may fine-tune: a built-in preset or an HF model folder on disk.</summary>
public sealed class BaseModelOptions
{
    public required string Id { get; set; }
    /// <summary>A preset name of the training engine (e.g. qwen3-tiny), or null when <see cref="Path"/> is set.</summary>
    public string? Preset { get; set; }
    /// <summary>HF model folder (config.json, safetensors, tokenizer.json).</summary>
    public string? Path { get; set; }
    public string Dtype { get; set; } = "float32";
    public int MaxLength { get; set; } = 2048;
    /// <summary>Learning rate that a learning_rate_multiplier of 1 means, per train type.</summary>
    public double LoraLearningRate { get; set; } = 2e-4;
    public double FullLearningRate { get; set; } = 1e-5;
    /// <summary>The operator's price for training on this base, per million trained tokens (tokens × epochs); none when unset.</summary>
    public decimal? PricePerMillionTrainedTokens { get; set; }
    /// <summary>Training throughput to quote with until this cluster has measured its own (recent jobs' tokens/s).</summary>
    public double? TrainTokensPerSecond { get; set; }
}

public sealed class BaseModelCatalogOptions
{
    public const string Section = "Models";
    public List<BaseModelOptions> BaseModels { get; set; } = [];
}
