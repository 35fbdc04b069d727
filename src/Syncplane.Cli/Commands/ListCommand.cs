using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Syncplane.Config;
using Syncplane.Scheduling;

namespace Syncplane.Cli.Commands;

internal static class ListCommand
{
    public static Command Create()
    {
        var config = CliOptions.Config();
        var json = CliOptions.Json();
        var command = new Command("list", "List the targets in the config file") { config, json };
        command.SetAction(result => Run(result.GetValue(config)!, result.GetValue(json)));
        return command;
    }

    public static int Run(string path, bool json)
    {
        if (ConfigFile.LoadOrReport(path) is not { } config)
        {
            return ExitCodes.InvalidInput;
        }

        if (ConfigFile.NoTargets(config) is { } why)
        {
            Console.Error.WriteLine(why);
        }

        var now = TimeProvider.System.GetUtcNow();
        var rows = config.Targets.Select(t => new TargetRow(
            t.Name,
            t.Direction.ToString().ToLowerInvariant(),
            Describe(t),
            t.Schedule.Text,
            t.Schedule.Kind == ScheduleKind.Cron ? t.Schedule.NextDue(null, now) : null,
            t.Description ?? "")).ToList();
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(rows, JsonOutput.Options));
            return ExitCodes.Success;
        }

        Table.Write(
            ["TARGET", "DIRECTION", "WHAT", "SCHEDULE", "NEXT (UTC)", "DESCRIPTION"],
            rows.Select(r => new[] { r.Name, r.Direction, r.Kind, r.Schedule, r.NextDue?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "-", r.Description }).ToList());
        return ExitCodes.Success;
    }

    private static string Describe(TargetConfig target) =>
        target.Entrypoint is { } entrypoint ? $"run {entrypoint}" : $"{target.Source?.Type} -> {target.Destination?.Type}";

    /// <param name="NextDue">The next cron firing; null for manual and interval schedules (those count from the last run).</param>
    private sealed record TargetRow(string Name, string Direction, string Kind, string Schedule, DateTimeOffset? NextDue, string Description);
}
