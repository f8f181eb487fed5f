using Platform.Training.Qwen3;
using Platform.Training.Text;

namespace Platform.Training.Generation;

/// <summary>Conversations in, assistant replies out: Qwen3's chat template, batched decoding, stop at &lt;|im_end|&gt;.</summary>
public sealed class ChatCompletion(Qwen3ForCausalLM model, Qwen3Tokenizer tokenizer)
{
    /// <summary>
    /// The reply to each conversation, special tokens removed. With <paramref name="enableThinking"/> false the prompt
    /// ends in an empty think block, as Qwen3's template does for enable_thinking=False.
    /// </summary>
    public IReadOnlyList<string> Complete(IReadOnlyList<IReadOnlyList<ChatMessage>> conversations, GenerationOptions options,
        bool enableThinking = true, int batchSize = 16, CancellationToken cancellationToken = default)
    {
        var generation = options with
        {
            StopTokenIds = new HashSet<int>(options.StopTokenIds) { tokenizer.ImEnd, tokenizer.EndOfText },
            PadTokenId = tokenizer.PadTokenId,
        };
        var replies = new List<string>(conversations.Count);
        foreach (var batch in conversations.Chunk(Math.Max(1, batchSize)))
        {
            var prompts = batch.Select(c => tokenizer.EncodeChat(c, addGenerationPrompt: true, enableThinking).Ids).ToList();
            var sequences = new Qwen3Generator(model).Generate(prompts, generation, cancellationToken: cancellationToken);
            replies.AddRange(sequences.Select(s => tokenizer.Decode(s.Tokens, skipSpecialTokens: true)));
        }
        return replies;
    }
}
