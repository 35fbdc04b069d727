using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Syncplane.Operations;

namespace Syncplane.Cli.Commands;

/// <summary><c>syncplane status</c>: each target's telemetry (seed 003's fields and more).</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var config = CliOptions.Config();
        var store = CliOptions.Store();
        var json = CliOptions.Json();
        var project = CliOptions.Project("the targets");
        var command = new Command("status", "Show each target's status, schedule and run telemetry") { config, store, json, project };
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

            if (ConfigFile.NoTargets(session.Config) is { } why)
            {
                Console.Error.WriteLine(why);
            }

            var rows = (await TargetTelemetry.ListAsync(session.Config, session.Store, session.Time, ct)).Where(t => scope.SeesTarget(t.Target)).Select(Row).ToList();
            Print(rows, result.GetValue(json));
            return ExitCodes.Success;
        });
        return command;
    }

    internal static string When(DateTimeOffset? at) =>
        at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";

    private static StatusRow Row(TargetTelemetry t) => new(
        t.Target,
        t.PausedReason is null ? t.SyncStatus : "paused",
        t.SyncFrequency,
        t.FrequencyOverridden,
        t.NextRunAt,
        t.LastSyncAttemptedAt,
        t.LastSyncCompletedAt,
        t.LastFinishedAt,
        t.LastMetricsChangedAt,
        t.TotalSyncsAttempted,
        t.TotalSyncsWithChanges,
        t.ConsecutiveFailures,
        t.LastGoodRunId,
        t.LastSyncError,
        t.PausedReason)
    {
        LastErrorAt = t.LastSyncErrorAt,
        PreviousError = t.PreviousSyncError,
        PreviousErrorAt = t.PreviousSyncErrorAt,
        Attempt = t.Attempt,
        MaxAttempts = t.MaxAttempts,
        NextAttemptAt = t.NextAttemptAt,
        WaitingReason = t.WaitingReason,
        WaitingUntil = t.WaitingUntil,
        Document = t.Document,
    };

    private static void Print(List<StatusRow> rows, bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(rows, JsonOutput.Options));
            return;
        }

        Table.Write(
            ["TARGET", "STATUS", "FREQUENCY", "NEXT (UTC)", "LAST SUCCESS (UTC)", "LAST CHANGED (UTC)", "RUNS", "CHANGED", "FAILURES", "DETAIL"],
            rows.Select(r => new[]
            {
                r.Target, r.Status, r.FrequencyOverridden ? r.Frequency + " (override)" : r.Frequency, When(r.NextRunAt), When(r.LastCompletedAt), When(r.LastChangedAt),
                r.TotalRuns.ToString(CultureInfo.InvariantCulture), r.RunsWithChanges.ToString(CultureInfo.InvariantCulture),
                r.ConsecutiveFailures.ToString(CultureInfo.InvariantCulture), r.PausedReason ?? Now(r),
            }).ToList());
    }

    // What the target is doing or what is wrong now: a wait, a retry to come, or the current error (with its time).
    private static string Now(StatusRow r) => r.Status switch
    {
        "waiting" => $"{r.WaitingReason} (until {When(r.WaitingUntil)})",
        "retrying" => $"attempt {r.Attempt} of {r.MaxAttempts} at {When(r.NextAttemptAt)}; {r.LastError} ({When(r.LastErrorAt)})",
        _ when r.LastError is not null => $"{r.LastError} ({When(r.LastErrorAt)})" + Stale(r),
        _ => Stale(r).TrimStart(';', ' '),
    };

    // A document served from its last good sync after the ttl: say so, and how old it is.
    private static string Stale(StatusRow r) => r.Document is { Stale: true } d
        ? d.SyncedAt is null ? $"; document {d.Name}: no good sync yet" : $"; document {d.Name} stale: last good sync {When(d.SyncedAt)}, {d.AgeSeconds}s old"
        : "";

    /// <summary>One target's line; the JSON shape of <c>status --json</c>.</summary>
    private sealed record StatusRow(
        string Target,
        string Status,
        string Frequency,
        bool FrequencyOverridden,
        DateTimeOffset? NextRunAt,
        DateTimeOffset? LastAttemptedAt,
        DateTimeOffset? LastCompletedAt,
        DateTimeOffset? LastFinishedAt,
        DateTimeOffset? LastChangedAt,
        int TotalRuns,
        int RunsWithChanges,
        int ConsecutiveFailures,
        long? LastGoodRunId,
        string? LastError,
        string? PausedReason)
    {
        public DateTimeOffset? LastErrorAt { get; init; }

        public string? PreviousError { get; init; }

        public DateTimeOffset? PreviousErrorAt { get; init; }

        public int? Attempt { get; init; }

        public int? MaxAttempts { get; init; }

        public DateTimeOffset? NextAttemptAt { get; init; }

        public string? WaitingReason { get; init; }

        public DateTimeOffset? WaitingUntil { get; init; }

        public Documents.DocumentStatus? Document { get; init; }
    }
}
