using System.ComponentModel.DataAnnotations;
using Platform.Domain.Tenants;

namespace Platform.WebConsole.Components.Shared;

/// <summary>A tenant's limits as the forms edit them (storage in MiB); empty fields keep the current value or the default.</summary>
public class TenantLimitsModel
{
    [Range(0, 1_000_000_000, ErrorMessage = "Storage quota must be between 0 and 1,000,000,000 MiB.")]
    public long? StorageQuotaMib { get; set; }
    [Range(1, 1000, ErrorMessage = "Concurrent jobs must be between 1 and 1000.")]
    public int? MaxConcurrentJobs { get; set; }
    [Range(1, 100_000, ErrorMessage = "Queued jobs must be between 1 and 100000.")]
    public int? MaxQueuedJobs { get; set; }
    [Range(0, long.MaxValue, ErrorMessage = "Trained-token limit must not be negative.")]
    public long? TrainedTokensLimit { get; set; }

    public TenantLimits ToLimits() => new(StorageQuotaMib * 1024 * 1024, MaxConcurrentJobs, MaxQueuedJobs, TrainedTokensLimit);

    public static TenantLimitsModel From(Data.Entities.Tenant t) => new()
    {
        StorageQuotaMib = t.StorageQuotaBytes / (1024 * 1024), MaxConcurrentJobs = t.MaxConcurrentJobs, MaxQueuedJobs = t.MaxQueuedJobs,
        TrainedTokensLimit = t.TrainedTokensLimit,
    };
}

public sealed class NewTenantModel : TenantLimitsModel
{
    [Required(ErrorMessage = "A name is required.")]
    [StringLength(200, ErrorMessage = "The name must be at most 200 characters.")]
    [RegularExpression(@"^[\w][\w .\-]*$", ErrorMessage = "Use letters, digits, spaces, dots and dashes.")]
    public string? Name { get; set; }
}

public sealed class NewKeyModel
{
    [Required(ErrorMessage = "Name the key (e.g. where it will be used).")]
    [StringLength(200)]
    public string? Name { get; set; }
}
