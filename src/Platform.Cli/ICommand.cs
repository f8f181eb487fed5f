namespace Platform.Cli;

public interface ICommand
{
    string Name { get; }
    string Usage { get; }
    string Summary { get; }
    Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken);
}
