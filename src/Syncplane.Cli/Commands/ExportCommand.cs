using System.CommandLine;
using Syncplane.Cli.Analytics;
using Syncplane.Config;
using Syncplane.Storage.Rollups;

namespace Syncplane.Cli.Commands;

/// <summary><c>syncplane export analytics</c>: run rollups per target and period, as a file a warehouse loads as it is.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var config = CliOptions.Config();
        var store = CliOptions.Store();
        var since = new Option<string>("--since") { Description = "How far back: periods that start within this duration (e.g. 30d, 12h)", DefaultValueFactory = _ => "30d", HelpName = "DURATION" };
        since.Validators.Add(r =>
        {
            if (!DurationParser.TryParse(r.GetValueOrDefault<string>(), out var d) || d <= TimeSpan.Zero)
            {
                r.AddError($"--since must be a duration such as 30d or 12h, not '{r.GetValueOrDefault<string>()}'");
            }
        });
        var format = new Option<string>("--format") { Description = "ndjson, csv or parquet", DefaultValueFactory = _ => "ndjson", HelpName = "FORMAT" }
            .AcceptOnlyFromAmong(AnalyticsWriter.Formats);
        var step = new Option<string>("--step") { Description = "One row per target and hour or day", DefaultValueFactory = _ => "day", HelpName = "STEP" }
            .AcceptOnlyFromAmong("hour", "day");
        var output = new Option<string>("--out", "-o") { Description = "The file to write", Required = true, HelpName = "FILE" };
        var analytics = new Command("analytics", "Run rollups per target and hour or day (schema: docs/analytics.md)") { config, store, since, format, step, output };
        analytics.SetAction(async (result, ct) =>
        {
            await using var session = await CliSession.OpenAsync(result.GetValue(config)!, result.GetValue(store), ct);
            if (session is null)
            {
                return ExitCodes.InvalidInput;
            }

            var window = DurationParser.TryParse(result.GetValue(since), out var parsed) ? parsed : TimeSpan.FromDays(30);
            var period = result.GetValue(step) == "hour" ? RollupPeriod.Hour : RollupPeriod.Day;
            var now = session.Time.GetUtcNow();
            var rollups = await session.Store.ReadRunRollupsAsync(
                new RollupQuery(period, RollupQuery.Floor(now - window, period), now + RollupQuery.Length(period), PerTarget: true), ct);
            var rows = rollups.Select(r => AnalyticsRow.From(r, period, now)).ToList();
            var path = Path.GetFullPath(result.GetValue(output)!);
            await using (var file = File.Create(path))
            {
                await AnalyticsWriter.WriteAsync(rows, result.GetValue(format)!, file, ct);
            }

            Console.WriteLine($"wrote {rows.Count} row(s) to {path}");
            return ExitCodes.Success;
        });
        return new Command("export", "Export data for a warehouse") { analytics };
    }
}
