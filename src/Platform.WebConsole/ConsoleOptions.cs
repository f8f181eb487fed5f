namespace Platform.WebConsole;

public sealed class ConsoleOptions
{
    public const string Section = "Console";
    /// <summary>How long a sign-in lasts without use (the cookie slides while the console is used).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);
    /// <summary>Wrong passwords in a row that lock an operator account.</summary>
    public int MaxFailedSignIns { get; set; } = 5;
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>Rows per page in the console's lists.</summary>
    public int PageSize { get; set; } = 25;
}
