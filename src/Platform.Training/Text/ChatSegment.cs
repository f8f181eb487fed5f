namespace Platform.Training.Text;

/// <summary>
/// A piece of a rendered chat. AssistantMessageIndex is set on what the model is trained to produce for that message:
/// everything after "&lt;|im_start|&gt;assistant\n" up to and including its "&lt;|im_end|&gt;".
/// </summary>
public sealed record ChatSegment(string Text, int? AssistantMessageIndex);
