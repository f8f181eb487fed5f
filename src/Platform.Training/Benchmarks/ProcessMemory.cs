namespace Platform.Training.Benchmarks;

/// <summary>This process's resident memory from /proc/self/status (Linux), in MiB; NaN where there is no /proc.</summary>
public static class ProcessMemory
{
    /// <summary>VmRSS: resident now.</summary>
    public static double ResidentMib() => Read("VmRSS:");

    /// <summary>VmHWM: the high-water mark of resident memory.</summary>
    public static double PeakResidentMib() => Read("VmHWM:");

    private static double Read(string field)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return double.NaN;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is null ? double.NaN : long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
    }
}
