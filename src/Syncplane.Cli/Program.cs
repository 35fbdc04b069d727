using System.CommandLine;
using Syncplane.Cli;
using Syncplane.Cli.Commands;

var root = new RootCommand("Syncplane: declare sync targets in syncplane.yaml, run them, prove they are in sync.\nWithout a command, runs targets like 'run' (seed 004 style), or lists them with --list.");
var run = new RunCommand.Parts();
foreach (var option in run.All)
{
    root.Options.Add(option);
}

var list = new Option<bool>("--list", "-l") { Description = "List the targets instead of running them" };
root.Options.Add(list);
root.SetAction((result, ct) =>
{
    var options = run.Read(result);
    return result.GetValue(list) ? Task.FromResult(ListCommand.Run(options.Config, options.Json)) : RunCommand.RunAsync(options, ct);
});
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(ListCommand.Create());
root.Subcommands.Add(ValidateCommand.Create());
root.Subcommands.Add(CheckCommand.Create());
root.Subcommands.Add(WorkerCommand.Create(serve: true));
root.Subcommands.Add(WorkerCommand.Create(serve: false));
root.Subcommands.Add(StatusCommand.Create());
root.Subcommands.Add(HistoryCommand.Create());
root.Subcommands.Add(TriggerCommand.Create());
root.Subcommands.Add(TriggerCommand.CreateRetry());
root.Subcommands.Add(TargetSettingsCommand.CreateFrequency());
root.Subcommands.Add(TargetSettingsCommand.CreatePause());
root.Subcommands.Add(TargetSettingsCommand.CreateResume());
root.Subcommands.Add(TokenCommand.Create());
root.Subcommands.Add(BackupCommand.Create());
root.Subcommands.Add(PruneCommand.Create());
root.Subcommands.Add(ExportCommand.Create());
root.Subcommands.Add(ReportCommand.Create());
root.Subcommands.Add(AlertsCommand.Create());

root.Options.Add(LogOutput.FormatOption);

var parsed = root.Parse(args);
LogOutput.Json = parsed.GetResult(LogOutput.FormatOption) is { } format && !format.Errors.Any() && format.GetValueOrDefault<string>() == "json";
// serve and worker give running runs a grace period on SIGTERM / Ctrl+C before releasing them (WorkerOptions.ShutdownGrace).
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) };
return parsed.Errors.Count > 0 ? Usage(parsed) : await parsed.InvokeAsync(invocation);

static int Usage(ParseResult parsed)
{
    foreach (var error in parsed.Errors)
    {
        LogOutput.Error(error.Message);
    }

    if (!LogOutput.Json)
    {
        Console.Error.WriteLine("Run 'syncplane --help' for usage.");
    }

    return ExitCodes.InvalidInput;
}
