namespace Platform.Domain.Datasets;

/// <summary>A message as the validator sees it; <c>Weight</c> 0 excludes an assistant turn from the loss.</summary>
public sealed record ChatTurn(string Role, string Content, int? Weight = null);

/// <summary>Counts tokens of a conversation rendered with the model's chat template.</summary>
public interface ITokenCounter
{
    int CountChat(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt);
}
