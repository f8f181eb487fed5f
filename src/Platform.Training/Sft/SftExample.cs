namespace Platform.Training.Sft;

/// <summary>
/// One tokenized conversation. <see cref="LossWeights"/>[i] weighs the prediction of token i (from tokens before it):
/// 1 on assistant tokens, 0 on system/user/template tokens. Position 0 is never predicted.
/// </summary>
public sealed record SftExample
{
    public SftExample(int[] inputIds, float[] lossWeights)
    {
        if (inputIds.Length < 2) throw new ArgumentException("an example needs at least two tokens", nameof(inputIds));
        if (lossWeights.Length != inputIds.Length) throw new ArgumentException("one loss weight per token", nameof(lossWeights));
        if (lossWeights.Any(w => w < 0 || !float.IsFinite(w))) throw new ArgumentException("loss weights must be finite and >= 0", nameof(lossWeights));
        InputIds = inputIds;
        LossWeights = lossWeights;
    }

    /// <summary>1 where <paramref name="assistantTokens"/> is true.</summary>
    public SftExample(int[] inputIds, bool[] assistantTokens) : this(inputIds, assistantTokens.Select(t => t ? 1f : 0f).ToArray()) { }

    public int[] InputIds { get; }
    public float[] LossWeights { get; }

    /// <summary>Total weight of the predicted tokens (positions 1..n-1): the example's share of a step's loss.</summary>
    public double TargetWeight => LossWeights.Skip(1).Sum(w => (double)w);
}
