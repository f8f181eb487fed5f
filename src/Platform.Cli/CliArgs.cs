namespace Platform.Cli;

/// <summary>
/// GNU-style options after the verb: <c>--name value</c>, <c>--name=value</c>, or a bare <c>--flag</c>; words that are
/// not options are positionals (a sub-verb such as <c>bench train</c>), an error unless the command reads them.
/// </summary>
public sealed class CliArgs
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = [];
    private readonly List<string> _positionals = [];
    private bool _positionalsRead;

    public CliArgs(IEnumerable<string> args, IReadOnlySet<string> flags)
    {
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var a = e.Current;
            if (!a.StartsWith("--", StringComparison.Ordinal)) { _positionals.Add(a); continue; }
            var eq = a.IndexOf('=');
            if (eq > 0) { _options[a[2..eq]] = a[(eq + 1)..]; continue; }
            var name = a[2..];
            if (flags.Contains(name)) { _options[name] = null; continue; }
            if (!e.MoveNext()) throw new CliException($"option --{name} needs a value");
            _options[name] = e.Current;
        }
    }

    public IReadOnlyList<string> Positionals { get { _positionalsRead = true; return _positionals; } }

    public bool Flag(string name) { _read.Add(name); return _options.ContainsKey(name); }

    public string? Get(string name) { _read.Add(name); return _options.GetValueOrDefault(name); }

    public string Require(string name) => Get(name) ?? throw new CliException($"missing required option --{name}");

    public int Int(string name, int fallback) => Get(name) is { } v
        ? int.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var i) ? i : throw new CliException($"--{name} must be an integer")
        : fallback;

    public double Double(string name, double fallback) => Get(name) is { } v
        ? double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
            ? d : throw new CliException($"--{name} must be a number")
        : fallback;

    /// <summary>One of <paramref name="choices"/> (the first is the default).</summary>
    public string Choice(string name, params string[] choices) => Get(name) is { } v
        ? choices.Contains(v) ? v : throw new CliException($"--{name} must be one of {string.Join(", ", choices)}")
        : choices[0];

    /// <summary>Call after reading every option: a typo in an option name is an error, not silently ignored.</summary>
    public void RejectUnknown()
    {
        if (!_positionalsRead && _positionals.Count > 0) throw new CliException($"unexpected argument '{_positionals[0]}'");
        var unknown = _options.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0) throw new CliException($"unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}");
    }
}

public sealed class CliException(string message) : Exception(message);
