using Platform.Training.Sft;

namespace Platform.Training.Tests.Sft;

internal static class SftTestData
{
    /// <summary>Four short "conversations": a prompt (weight 0) followed by an answer (weight 1), different lengths.</summary>
    public static readonly SftExample[] Conversations =
    [
        Example([1, 20, 21, 22], [30, 31, 32, 2]),
        Example([1, 40, 41], [50, 51, 2]),
        Example([1, 60, 61, 62, 63], [70, 71, 72, 73, 74, 2]),
        Example([1, 80], [90, 2]),
    ];

    public static SftExample Example(int[] prompt, int[] answer) =>
        new([.. prompt, .. answer], [.. prompt.Select(_ => false), .. answer.Select(_ => true)]);
}
