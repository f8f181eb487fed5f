namespace Platform.Training.Text;

/// <summary>
/// A rendered chat as token ids. AssistantMessageIndex[t] is the index of the assistant message whose output token t is
/// (its content, reasoning, tool calls and closing &lt;|im_end|&gt;), or -1 for prompt tokens; use it to mask the SFT loss.
/// </summary>
public sealed record ChatTokens(int[] Ids, int[] AssistantMessageIndex)
{
    public bool IsAssistantOutput(int position) => AssistantMessageIndex[position] >= 0;

    /// <summary>True for every token that belongs to some assistant message (ms-swift's default: all assistant turns).</summary>
    public bool[] AssistantMask() => Array.ConvertAll(AssistantMessageIndex, index => index >= 0);
}
