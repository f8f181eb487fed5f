namespace Platform.Cli.Tests;

/// <summary>
/// Commands that train in this process share libtorch's global random generator (trainers seed it; dropout draws from
/// it), so two of them at once would make each other's runs irreproducible. Classes in this collection run one at a time.
/// </summary>
[CollectionDefinition]
public sealed class InProcessTraining;
