namespace Platform.Training.Sft;

/// <summary>
/// The order examples are consumed in: a fresh seeded shuffle per epoch, read as one endless stream. A run's data
/// position is the number of examples consumed, so a checkpoint can resume exactly where it stopped.
/// </summary>
public sealed class SftDataOrder(int exampleCount, ulong seed)
{
    private int cachedEpoch = -1;
    private int[] cachedOrder = [];

    /// <summary>The index of the example at stream position <paramref name="position"/>.</summary>
    public int At(long position)
    {
        var epoch = (int)(position / exampleCount);
        if (epoch != cachedEpoch) (cachedEpoch, cachedOrder) = (epoch, Shuffle(epoch));
        return cachedOrder[position % exampleCount];
    }

    private int[] Shuffle(int epoch)
    {
        // System.Random with an int seed is the stable legacy generator: the same order on every .NET version
        // (HashCode.Combine would not do: it is randomised per process).
        var random = new Random((int)((seed * 1_000_003UL + (ulong)epoch) % int.MaxValue));
        var order = Enumerable.Range(0, exampleCount).ToArray();
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
