using System.Text.RegularExpressions;

namespace Platform.Training.Graders;

/// <summary>
/// Text similarity scores in [0, 1]. fuzzy_match: rapidfuzz's fuzz.ratio (1 − InDel distance / total length);
/// BLEU: sentence BLEU-4 on whitespace tokens with a brevity penalty and +1 smoothing of the 2–4-gram precisions
/// (Lin &amp; Och 2004); ROUGE-1/2/L: F1 on lower-cased alphanumeric tokens, as Google's rouge_score.
/// </summary>
public static partial class TextMetrics
{
    public static double FuzzyMatch(string a, string b)
    {
        if (a.Length + b.Length == 0) return 1;
        var lcs = LongestCommonSubsequence(a.ToCharArray(), b.ToCharArray());
        return 2.0 * lcs / (a.Length + b.Length); // InDel distance = |a| + |b| − 2·LCS
    }

    public static double Bleu(string candidate, string reference)
    {
        var c = candidate.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var r = reference.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (c.Length == 0 || r.Length == 0) return 0;
        double logSum = 0;
        for (var n = 1; n <= 4; n++)
        {
            var (matches, total) = ClippedMatches(c, r, n);
            var smoothing = n > 1 ? 1 : 0;
            if (matches + smoothing == 0 || total + smoothing == 0) return 0;
            logSum += Math.Log((matches + smoothing) / (double)(total + smoothing)) / 4;
        }
        var brevity = c.Length >= r.Length ? 1 : Math.Exp(1 - (double)r.Length / c.Length);
        return brevity * Math.Exp(logSum);
    }

    public static double RougeN(string candidate, string reference, int n)
    {
        var (c, r) = (RougeTokens(candidate), RougeTokens(reference));
        var (matches, candidateCount) = ClippedMatches(c, r, n);
        var referenceCount = Math.Max(0, r.Length - n + 1);
        return F1(matches, candidateCount, referenceCount);
    }

    public static double RougeL(string candidate, string reference)
    {
        var (c, r) = (RougeTokens(candidate), RougeTokens(reference));
        return F1(LongestCommonSubsequence(c, r), c.Length, r.Length);
    }

    private static double F1(int matches, int candidateCount, int referenceCount)
    {
        if (matches == 0 || candidateCount == 0 || referenceCount == 0) return 0;
        var (precision, recall) = ((double)matches / candidateCount, (double)matches / referenceCount);
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary>n-grams of the candidate found in the reference, each counted at most as often as the reference has it.</summary>
    private static (int Matches, int Total) ClippedMatches(string[] candidate, string[] reference, int n)
    {
        var available = NGrams(reference, n).GroupBy(g => g).ToDictionary(g => g.Key, g => g.Count());
        var grams = NGrams(candidate, n).ToList();
        var matches = 0;
        foreach (var gram in grams)
            if (available.TryGetValue(gram, out var left) && left > 0) { matches++; available[gram] = left - 1; }
        return (matches, grams.Count);
    }

    private static IEnumerable<string> NGrams(string[] tokens, int n) =>
        Enumerable.Range(0, Math.Max(0, tokens.Length - n + 1)).Select(i => string.Join('\u0001', tokens, i, n));

    private static int LongestCommonSubsequence<T>(T[] a, T[] b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        foreach (var x in a)
        {
            for (var j = 1; j <= b.Length; j++)
                current[j] = EqualityComparer<T>.Default.Equals(x, b[j - 1]) ? previous[j - 1] + 1 : Math.Max(previous[j], current[j - 1]);
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    private static string[] RougeTokens(string text) =>
        NonAlphanumeric().Replace(text.ToLowerInvariant(), " ").Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonAlphanumeric();
}
