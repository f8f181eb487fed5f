using System.Globalization;

namespace Platform.Training.Graders;

/// <summary>
/// A multi grader's <c>calculate_output</c>: numbers, sub-grader names, + − * / ^ (right-associative), parentheses,
/// and min, max, abs, floor, ceil, exp, sqrt, log. Parsed once (recursive descent), evaluated per sample.
/// </summary>
public sealed class GraderFormula
{
    private static readonly Dictionary<string, (int MinArgs, int MaxArgs, Func<double[], double> Apply)> Functions = new()
    {
        ["min"] = (1, int.MaxValue, a => a.Min()),
        ["max"] = (1, int.MaxValue, a => a.Max()),
        ["abs"] = (1, 1, a => Math.Abs(a[0])),
        ["floor"] = (1, 1, a => Math.Floor(a[0])),
        ["ceil"] = (1, 1, a => Math.Ceiling(a[0])),
        ["exp"] = (1, 1, a => Math.Exp(a[0])),
        ["sqrt"] = (1, 1, a => Math.Sqrt(a[0])),
        ["log"] = (1, 1, a => Math.Log(a[0])),
    };

    private readonly Func<IReadOnlyDictionary<string, double>, double> evaluate;

    private GraderFormula(string text, Func<IReadOnlyDictionary<string, double>, double> evaluate) => (Text, this.evaluate) = (text, evaluate);

    public string Text { get; }

    public double Evaluate(IReadOnlyDictionary<string, double> scores) => evaluate(scores);

    /// <summary>Parses <paramref name="text"/> whose names must be among <paramref name="names"/>; errors name <paramref name="path"/>.</summary>
    public static GraderFormula Parse(string text, IReadOnlySet<string> names, string path)
    {
        var parser = new Parser(text, names, path);
        var body = parser.Expression();
        parser.End();
        return new GraderFormula(text, body);
    }

    private sealed class Parser(string text, IReadOnlySet<string> names, string path)
    {
        private int position;

        public Func<IReadOnlyDictionary<string, double>, double> Expression()
        {
            var left = Term();
            while (Peek() is '+' or '-')
            {
                var op = text[position++];
                var (l, r) = (left, Term());
                left = op == '+' ? s => l(s) + r(s) : s => l(s) - r(s);
            }
            return left;
        }

        public void End()
        {
            if (Peek() is { } c) throw Error($"unexpected '{c}' at position {position}");
        }

        private Func<IReadOnlyDictionary<string, double>, double> Term()
        {
            var left = Power();
            while (Peek() is '*' or '/')
            {
                var op = text[position++];
                var (l, r) = (left, Power());
                left = op == '*' ? s => l(s) * r(s) : s => l(s) / r(s);
            }
            return left;
        }

        private Func<IReadOnlyDictionary<string, double>, double> Power()
        {
            var b = Unary();
            if (Peek() != '^') return b;
            position++;
            var e = Power();
            return s => Math.Pow(b(s), e(s));
        }

        private Func<IReadOnlyDictionary<string, double>, double> Unary()
        {
            if (Peek() == '-') { position++; var u = Unary(); return s => -u(s); }
            if (Peek() == '+') { position++; return Unary(); }
            return Primary();
        }

        private Func<IReadOnlyDictionary<string, double>, double> Primary()
        {
            var c = Peek() ?? throw Error("the formula ends too early");
            if (c == '(')
            {
                position++;
                var inner = Expression();
                Expect(')');
                return inner;
            }
            if (char.IsAsciiDigit(c) || c == '.')
            {
                var start = position;
                while (position < text.Length && (char.IsAsciiDigit(text[position]) || text[position] is '.' or 'e' or 'E'
                       || (text[position] is '+' or '-' && text[position - 1] is 'e' or 'E'))) position++;
                if (!double.TryParse(text[start..position], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                    throw Error($"bad number '{text[start..position]}'");
                return _ => value;
            }
            if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = position;
                while (position < text.Length && (char.IsAsciiLetterOrDigit(text[position]) || text[position] == '_')) position++;
                var name = text[start..position];
                if (Peek() == '(' && Functions.TryGetValue(name, out var f)) return Call(name, f);
                if (!names.Contains(name))
                    throw Error($"'{name}' is neither a grader ({string.Join(", ", names)}) nor a function ({string.Join(", ", Functions.Keys)})");
                return s => s[name];
            }
            throw Error($"unexpected '{c}' at position {position}");
        }

        private Func<IReadOnlyDictionary<string, double>, double> Call(string name, (int MinArgs, int MaxArgs, Func<double[], double> Apply) f)
        {
            Expect('(');
            var args = new List<Func<IReadOnlyDictionary<string, double>, double>> { Expression() };
            while (Peek() == ',') { position++; args.Add(Expression()); }
            Expect(')');
            if (args.Count < f.MinArgs || args.Count > f.MaxArgs) throw Error($"{name}() takes {(f.MaxArgs == 1 ? "one argument" : "at least one argument")}");
            return s => f.Apply(args.Select(a => a(s)).ToArray());
        }

        private void Expect(char c)
        {
            if (Peek() != c) throw Error($"expected '{c}' at position {position}");
            position++;
        }

        private char? Peek()
        {
            while (position < text.Length && char.IsWhiteSpace(text[position])) position++;
            return position < text.Length ? text[position] : null;
        }

        private GraderDefinitionException Error(string message) => new(path, message);
    }
}
