namespace Platform.Domain.Jobs.Admission;

public sealed class JobAdmissionOptions
{
    public const string Section = "Jobs";
    /// <summary>
    /// A job whose training file has more than this share of rows truncated at the model's max length (or rejected)
    /// refuses to start unless the request says <c>"allow_truncation": true</c>.
    /// </summary>
    public double MaxTruncatedFraction { get; set; } = 0.05;
}
