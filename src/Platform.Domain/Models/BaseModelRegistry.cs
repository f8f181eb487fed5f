using Microsoft.Extensions.Options;
using Platform.Domain.Errors;

namespace Platform.Domain.Models;

/// <summary>The base models on offer: the configured ones plus <c>qwen3-tiny</c>, which needs no download.</summary>
public sealed class BaseModelRegistry
{
    public const string Tiny = "qwen3-tiny";
    private readonly Dictionary<string, BaseModelOptions> _models;

    public BaseModelRegistry(IOptions<BaseModelCatalogOptions> options)
    {
        _models = options.Value.BaseModels.ToDictionary(m => m.Id, StringComparer.Ordinal);
        _models.TryAdd(Tiny, new BaseModelOptions
        {
            Id = Tiny, Preset = Tiny, MaxLength = 512, LoraLearningRate = 5e-3, FullLearningRate = 1e-3,
        });
    }

    public IReadOnlyCollection<BaseModelOptions> All => _models.Values;

    public BaseModelOptions? Find(string id) => _models.GetValueOrDefault(id);

    public BaseModelOptions Require(string id) => Find(id) ?? throw new DomainException(ErrorKind.InvalidRequest, "model_not_available",
        $"Model '{id}' is not available for fine-tuning. Available: {string.Join(", ", _models.Keys.Order())}", "model");
}
