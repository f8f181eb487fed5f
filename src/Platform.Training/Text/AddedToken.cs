namespace Platform.Training.Text;

/// <summary>A token from tokenizer.json's added_tokens: matched verbatim before normalization and BPE.</summary>
public sealed record AddedToken(int Id, string Content, bool Special);
