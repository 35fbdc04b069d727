using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Syncplane.Storage;

namespace Syncplane.Cli.Commands;

/// <summary><c>syncplane history</c>: recent runs, newest first.</summary>
internal static class HistoryCommand
{
    public static Command Create()
    {
        var config = CliOptions.Config();
        var store = CliOptions.Store();
        var json = CliOptions.Json();
        var target = new Option<string>("--target", "-t") { Description = "Only this target's runs", HelpName = "TARGET" };
        var status = new Option<string>("--status", "-s") { Description = "Only runs in this status", HelpName = "STATUS" }
            .AcceptOnlyFromAmong(Enum.GetNames<RunStatus>().Select(n => n.ToLowerInvariant()).ToArray());
        var limit = new Option<int>("--limit", "-n") { Description = "At most this many runs", DefaultValueFactory = _ => 20, HelpName = "N" };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--limit must be at least 1");
            }
        });
        var project = CliOptions.Project("the runs of the targets");
        var command = new Command("history", "List recent runs, newest first") { config, store, json, target, status, limit, project };
        command.SetAction(async (result, ct) =>
        {
            await using var session = await CliSession.OpenAsync(result.GetValue(config)!, result.GetValue(store), ct);
            if (session is null)
            {
                return ExitCodes.InvalidInput;
            }

            if (!CliOptions.TryProject(session.Config, result.GetValue(project), out var scope))
            {
                return ExitCodes.InvalidInput;
            }

            RunStatus? only = result.GetValue(status) is { } text ? Enum.Parse<RunStatus>(text, ignoreCase: true) : null;
            var query = new RunQuery(result.GetValue(target), only, Limit: result.GetValue(limit))
            {
                AnyOfTargets = scope.Project is { } name ? [.. session.Config.Projects.TargetsOf(name)] : null,
            };
            var runs = await session.Store.ListRunsAsync(query, ct);
            Print(runs, result.GetValue(json));
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Print(IReadOnlyList<RunRecord> runs, bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(runs.Select(r => new
            {
                id = r.Id,
                target = r.Target,
                status = TriggerCommand.StatusText(r.Status),
                trigger = r.Trigger,
                attempt = r.Attempt,
                dry_run = r.DryRun,
                queued_at = r.QueuedAt,
                started_at = r.StartedAt,
                finished_at = r.FinishedAt,
                duration_seconds = r.Duration?.TotalSeconds,
                changes = r.Summary is { } s ? s.Creates + s.Updates + s.Deletes : (int?)null,
                message = r.Message,
            }), JsonOutput.Options));
            return;
        }

        Table.Write(
            ["RUN", "TARGET", "STATUS", "TRIGGER", "ATTEMPT", "STARTED (UTC)", "DURATION", "MESSAGE"],
            runs.Select(r => new[]
            {
                r.Id.ToString(CultureInfo.InvariantCulture), r.Target, TriggerCommand.StatusText(r.Status), r.Trigger,
                r.Attempt.ToString(CultureInfo.InvariantCulture), StatusCommand.When(r.StartedAt),
                r.Duration is { } d ? $"{d.TotalSeconds:0.00}s" : "-", r.Message ?? "",
            }).ToList());
    }
}
