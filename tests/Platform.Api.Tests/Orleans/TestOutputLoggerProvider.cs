using Microsoft.Extensions.Logging;

namespace Platform.Api.Tests.Clustering;

/// <summary>Sends log lines of a silo to the test's output, tagged with the silo's name.</summary>
internal sealed class TestOutputLoggerProvider(ITestOutputHelper output, string tag, LogLevel minimum) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(output, tag, categoryName, minimum);

    public void Dispose() { }

    private sealed class Logger(ITestOutputHelper output, string tag, string category, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            try
            {
                output.WriteLine($"[{tag} {logLevel} {category}] {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}");
            }
            catch (InvalidOperationException)
            {
                // The test has finished; its output no longer takes lines.
            }
        }
    }
}
