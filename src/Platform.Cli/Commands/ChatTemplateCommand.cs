using System.Text.Json;
using Platform.Training.Text;

namespace Platform.Cli.Commands;

/// <summary>Reads {"messages":[...]} on stdin and prints the string Qwen3's chat template renders.</summary>
internal sealed class ChatTemplateCommand : ICommand
{
    public string Name => "chat-template";
    public string Usage => "[--add-generation-prompt] [--no-thinking]";
    public string Summary => "render {\"messages\":[...]} from stdin with Qwen3's chat template";

    public async Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var generationPrompt = args.Flag("add-generation-prompt");
        var thinking = !args.Flag("no-thinking");
        args.RejectUnknown();
        var json = await StdIn.ReadAllAsync(cancellationToken);
        List<ChatMessage> messages;
        try
        {
            using var doc = JsonDocument.Parse(json);
            messages = doc.RootElement.GetProperty("messages").EnumerateArray().Select(ChatMessage.FromJson).ToList();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new CliException($"expected {{\"messages\":[{{\"role\":…,\"content\":…}}]}} on stdin: {e.Message}");
        }
        Console.Out.Write(ChatTemplate.Render(messages, generationPrompt, thinking));
        return 0;
    }
}
