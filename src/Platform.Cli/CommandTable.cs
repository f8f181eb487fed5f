namespace Platform.Cli;

internal sealed class CommandTable(IReadOnlyList<ICommand> commands)
{
    public async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h") { PrintHelp(); return args.Length == 0 ? 2 : 0; }
        var command = commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null) { Console.Error.WriteLine($"platform: unknown command '{args[0]}'"); PrintHelp(); return 2; }
        if (args.Skip(1).Any(a => a is "--help" or "-h")) { Console.WriteLine($"usage: platform {command.Name} {command.Usage}\n\n{command.Summary}"); return 0; }

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        try
        {
            return await command.RunAsync(new CliArgs(args.Skip(1), FlagsOf(command)), cts.Token);
        }
        catch (CliException e)
        {
            Console.Error.WriteLine($"platform {command.Name}: {e.Message}");
            Console.Error.WriteLine($"usage: platform {command.Name} {command.Usage}");
            return 2;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested) { return 130; }
    }

    /// <summary>Options written in the usage line without a value (e.g. "[--no-thinking]") are flags.</summary>
    internal static HashSet<string> FlagsOf(ICommand command) =>
        command.Usage.Split('[', ']', ' ', '|').Where(t => t.StartsWith("--", StringComparison.Ordinal))
            .Select(t => t[2..]).Where(name => !command.Usage.Contains($"--{name} <", StringComparison.Ordinal)).ToHashSet();

    private void PrintHelp()
    {
        Console.WriteLine("usage: platform <command> [options]\n");
        foreach (var c in commands) Console.WriteLine($"  {c.Name,-14} {c.Summary}");
        Console.WriteLine("\n`platform <command> --help` shows a command's options.");
    }
}
