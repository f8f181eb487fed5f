namespace Platform.Domain.Jobs;

/// <summary>Where a job's outputs live in the artifact store (relative paths, as stored in the database).</summary>
public static class JobPaths
{
    public static string Job(string tenantId, string jobId) => $"jobs/{tenantId}/{jobId}";
    public static string Checkpoint(string tenantId, string jobId, int step) => $"{Job(tenantId, jobId)}/checkpoints/step-{step:D6}";
    public static string Adapter(string tenantId, string jobId) => $"{Job(tenantId, jobId)}/adapter";

    public static string FineTunedModelName(string baseModel, string tenantId, string? suffix, string jobId) =>
        $"ft:{baseModel}:{tenantId}:{suffix ?? ""}:{jobId}";

    public static string CheckpointModelName(string fineTunedModel, int step) => $"{fineTunedModel}:ckpt-step-{step}";
}
