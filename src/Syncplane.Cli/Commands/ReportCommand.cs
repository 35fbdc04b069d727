using System.CommandLine;
using System.Text.Json;
using Syncplane.Analytics;
using Syncplane.Projects;

namespace Syncplane.Cli.Commands;

/// <summary><c>syncplane report audit --month 2026-11</c>: the monthly audit report as Markdown or JSON.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var config = CliOptions.Config();
        var store = CliOptions.Store();
        var month = new Option<string>("--month") { Description = "The UTC calendar month, YYYY-MM (default: the previous month)", HelpName = "YYYY-MM" };
        month.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { } text && !AuditReport.TryParseMonth(text, out _))
            {
                r.AddError($"--month must be a month such as 2026-11, not '{text}'");
            }
        });
        var format = new Option<string>("--format") { Description = "markdown or json", DefaultValueFactory = _ => "markdown", HelpName = "FORMAT" }
            .AcceptOnlyFromAmong("markdown", "json");
        var output = new Option<string>("--out", "-o") { Description = "Write to this file instead of standard output", HelpName = "FILE" };
        var audit = new Command("audit", "Manual syncs by whom, failures, success rates and the slowest targets of one month") { config, store, month, format, output };
        audit.SetAction(async (result, ct) =>
        {
            await using var session = await CliSession.OpenAsync(result.GetValue(config)!, result.GetValue(store), ct);
            if (session is null)
            {
                return ExitCodes.InvalidInput;
            }

            var which = result.GetValue(month) is { } text && AuditReport.TryParseMonth(text, out var m) ? m : AuditReport.PreviousMonth(session.Time.GetUtcNow());
            var report = await AuditReport.BuildAsync(session.Store, which, ProjectScope.Global, ct);
            var rendered = result.GetValue(format) == "json" ? JsonSerializer.Serialize(report.ToJsonModel(), JsonOutput.Options) + "\n" : report.ToMarkdown();
            if (result.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, rendered, ct);
            }
            else
            {
                Console.Write(rendered);
            }

            return ExitCodes.Success;
        });
        return new Command("report", "Reports from the rollups and the audit log") { audit };
    }
}
