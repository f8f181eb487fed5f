namespace Platform.Inference.Engine;

public enum FinishReason { Stop, Length }

/// <summary>A token's log-probability and the best alternatives (under the model's distribution, before temperature).</summary>
public sealed record TokenLogprob(int TokenId, string Token, double Logprob, IReadOnlyList<(int TokenId, string Token, double Logprob)> Top);

/// <summary>
/// What one engine step produced for a sequence: the text that is now safe to show (a partial UTF-8 character or a
/// possible start of a stop string is held back), the token, and on the last chunk why it ended.
/// </summary>
public sealed record GenerationChunk(string Text, int? TokenId, TokenLogprob? Logprob, FinishReason? Finish, int PromptTokens, int CompletionTokens);
