namespace Platform.Domain.Jobs;

/// <summary>
/// A job's lifecycle, as OpenAI names it, plus <c>paused</c>:
/// validating_files → queued → running → succeeded | failed | cancelled; running ⇄ paused (via queued on resume);
/// running → queued when its worker is lost (the next attempt resumes from the last checkpoint).
/// </summary>
public static class JobStatus
{
    public const string ValidatingFiles = "validating_files";
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Paused = "paused";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    private static readonly Dictionary<string, string[]> Next = new()
    {
        [ValidatingFiles] = [Queued, Failed, Cancelled],
        [Queued] = [Running, Paused, Failed, Cancelled],
        [Running] = [Succeeded, Failed, Cancelled, Paused, Queued],
        [Paused] = [Queued, Cancelled],
        [Succeeded] = [],
        [Failed] = [],
        [Cancelled] = [],
    };

    public static bool CanMove(string from, string to) => Next.TryGetValue(from, out var next) && next.Contains(to);

    public static bool IsTerminal(string status) => status is Succeeded or Failed or Cancelled;
}
