using Platform.Training.Sft;
using Spectre.Console;

namespace Platform.Cli.Commands;

/// <summary>Runs <see cref="SftRun"/> showing each step: a progress bar on a terminal, one plain line per step otherwise.</summary>
internal static class SftProgress
{
    public static SftRunResult Run(SftRunOptions options, CancellationToken cancellationToken)
    {
        if (Console.IsOutputRedirected)
        {
            var maxSteps = 0;
            return SftRun.Run(options, new SftRunObserver
            {
                Started = (_, total) => maxSteps = total,
                Step = s => Console.WriteLine($"step {s.Step}/{maxSteps} loss {s.Loss:F4} grad_norm {s.GradNorm:F3} lr {s.LearningRate:E2} {s.Elapsed.TotalMilliseconds:F0} ms"),
                Evaluated = (step, e) => Console.WriteLine(EvalLine(step, e)),
                Saved = dir => Console.WriteLine($"saved {dir}"),
            }, cancellationToken: cancellationToken);
        }
        return AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("sft");
                return SftRun.Run(options, new SftRunObserver
                {
                    Started = (start, total) => (task.MaxValue, task.Value) = (total, start),
                    Step = s =>
                    {
                        task.Description = $"step {s.Step}/{task.MaxValue} loss {s.Loss:F4}";
                        task.Value = s.Step;
                    },
                    Evaluated = (step, e) => AnsiConsole.WriteLine(EvalLine(step, e)),
                    Saved = dir => AnsiConsole.WriteLine($"saved {dir}"),
                }, cancellationToken: cancellationToken);
            });
    }

    private static string EvalLine(int step, SftEvalResult e) =>
        $"eval step {step}: loss {e.Loss:F4} perplexity {e.Perplexity:F3} token_acc {e.TokenAccuracy:F4} ({e.Tokens} tokens)";
}
