using Platform.Cli;
using Platform.Cli.Commands;

// `./platform <verb>`: one command for running, testing and training, as `swift` is for ms-swift.
return await new CommandTable(
[
    new UpCommand(),
    new ServeCommand(),
    new MigrateCommand(),
    new AdminCommand(),
    new TestCommand(),
    new TokenizeCommand(),
    new ChatTemplateCommand(),
    new LoadTestCommand(),
    new SftCommand(),
    new RlhfCommand(),
    new InferCommand(),
    new ExportCommand(),
    new ParityCommand(),
    new BenchCommand(),
]).RunAsync(args);
