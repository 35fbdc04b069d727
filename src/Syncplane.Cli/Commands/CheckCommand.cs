using System.CommandLine;
using System.Text.Json;
using Syncplane.Checks;
using Syncplane.Config;

namespace Syncplane.Cli.Commands;

/// <summary>
/// <c>syncplane check [NAME…]</c>: runs the declared checks (or the named ones) concurrently, records every result
/// in the store, writes the status file over every declared check's newest result (<see cref="CheckStatusFile"/>),
/// and prints a sectioned report of the checks it ran (or the status JSON with <c>--json</c>). Exit 0 when
/// nothing is degraded or down, 1 otherwise, 2 for a bad config or an unknown check name.
/// </summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var config = CliOptions.Config();
        var store = CliOptions.Store();
        var json = CliOptions.Json();
        var statusFile = new Option<string>("--status-file") { Description = "Write the status JSON here (default: checks.status_file, else status.json in the state directory)", HelpName = "FILE" };
        var names = new Argument<string[]>("NAME") { Description = "Only these checks (default: all)", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("check", "Run the environment checks under 'checks:' and report healthy / degraded / down") { config, store, json, statusFile, names };
        command.SetAction((result, ct) => RunAsync(
            result.GetValue(config)!, result.GetValue(store), result.GetValue(json), result.GetValue(statusFile), result.GetValue(names) ?? [], ct));
        return command;
    }

    private static async Task<int> RunAsync(string configPath, string? storeOption, bool json, string? statusFileOption, string[] names, CancellationToken cancellationToken)
    {
        if (ConfigFile.LoadOrReport(configPath) is not { } config)
        {
            return ExitCodes.InvalidInput;
        }

        if (Select(config, names) is not { } checks)
        {
            return ExitCodes.InvalidInput;
        }

        await using var session = await CliSession.OpenAsync(config, storeOption, cancellationToken);
        var timestamp = session.Time.GetUtcNow();
        var results = await new CheckRunner(session.Time, session.Secrets).RunAsync(checks, cancellationToken);
        foreach (var result in results)
        {
            await session.Store.RecordCheckResultAsync(result, CancellationToken.None);
        }

        var statusFile = Path.GetFullPath(statusFileOption ?? CheckStatusFile.PathFor(config));
        var document = await CheckStatusFile.WriteAsync(statusFile, config.Checks, session.Store, timestamp, session.Time, CancellationToken.None);
        if (json)
        {
            Console.WriteLine(document.ToJsonString(JsonOutput.Options));
        }
        else
        {
            CheckReport.Write(Console.Out, results, config, timestamp, statusFile, document);
        }

        return CheckStatusText.Worst(results.Select(r => r.Status)) is CheckStatus.Degraded or CheckStatus.Down ? ExitCodes.TargetFailed : ExitCodes.Success;
    }

    private static List<CheckConfig>? Select(SyncplaneConfig config, string[] names)
    {
        var all = config.Checks.Items;
        if (all.Count == 0)
        {
            LogOutput.Error($"{config.File} declares no checks; add some under 'checks:' (see docs/checks.md)");
            return null;
        }

        var unknown = names.Where(n => config.Checks.Find(n) is null).ToList();
        if (unknown.Count > 0)
        {
            LogOutput.Error($"no check named {string.Join(", ", unknown.Select(n => $"'{n}'"))}; known checks: {string.Join(", ", all.Select(c => c.Name))}");
            return null;
        }

        return names.Length == 0 ? [.. all] : all.Where(c => names.Contains(c.Name, StringComparer.Ordinal)).ToList();
    }
}
