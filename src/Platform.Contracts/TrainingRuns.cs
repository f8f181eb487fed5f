namespace Platform.Contracts;

// Bus messages from job grains to training workers (workers report back through the job grain, which also tells
// them at each heartbeat whether to stop). Commands are verb-noun, events past tense; every message
// carries tenant id, job id and attempt, so a stale message from an earlier attempt is recognised and dropped.
// The namespace is part of the wire identity: do not move these types.

/// <summary>Asks a worker to run (or resume) a fine-tuning job's training.</summary>
public sealed record StartTrainingRun(string TenantId, string JobId, int Attempt);
