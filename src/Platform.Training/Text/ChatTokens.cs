namespace Platform.Training.Text;

/// <summary>
/// A rendered chat as token ids. AssistantMessageIndex[t] is the index of the assistant message whose output token t is
/// (its content, reasoning, tool calls and closing &lt;|im_end|&gt;), or -1 for prompt tokens; use it to mask the SFT loss.
/// A token belongs to where its first character is: leading whitespace of a content that the pre-tokenizer joins with the
/// "\n" after "&lt;|im_start|&gt;assistant" (a run ending in a newline) counts as prompt.
/// </summary>
public sealed record ChatTokens(int[] Ids, int[] AssistantMessageIndex)
{
    public bool IsAssistantOutput(int position) => AssistantMessageIndex[position] >= 0;

    /// <summary>True for every token that belongs to some assistant message (ms-swift's default: all assistant turns).</summary>
    public bool[] AssistantMask() => Array.ConvertAll(AssistantMessageIndex, index => index >= 0);
}
