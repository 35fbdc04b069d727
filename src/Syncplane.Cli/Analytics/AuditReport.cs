using System.Globalization;
using System.Text;
using System.Text.Json;
using Syncplane.Storage;
using Syncplane.Storage.Rollups;

namespace Syncplane.Cli.Analytics;

/// <summary>
/// The monthly audit report (seed 001): manual syncs by whom (the audit log's run.trigger and run.retry), runs and
/// success rates per target and overall, failures, and the slowest targets, all for one UTC calendar month.
/// </summary>
internal sealed record AuditReport(
    string Month, RunRollup Overall, IReadOnlyList<AuditReport.ManualSyncs> Manual, IReadOnlyList<RunRollup> Targets)
{
    /// <summary>The audit actions that are manual syncs.</summary>
    private static readonly string[] ManualActions = ["run.trigger", "run.retry"];

    /// <summary>One actor's manual syncs.</summary>
    internal sealed record ManualSyncs(string Actor, int Count, IReadOnlyList<string> Targets);

    public static async Task<AuditReport> BuildAsync(ISyncStore store, DateOnly month, CancellationToken ct)
    {
        var start = new DateTimeOffset(month.Year, month.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var end = start.AddMonths(1);
        var manual = new List<AuditRecord>();
        for (long? before = null; ;)
        {
            var page = await store.ListAuditAsync(before, 500, ct);
            manual.AddRange(page.Where(a => a.At >= start && a.At < end && ManualActions.Contains(a.Action)));
            if (page.Count < 500 || page[^1].At < start)
            {
                break;
            }

            before = page[^1].Id;
        }

        var names = (await store.ReadRunRollupsAsync(new RollupQuery(RollupPeriod.Day, start, end, PerTarget: true), ct))
            .Select(r => r.Target!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var targets = new List<RunRollup>();
        foreach (var name in names)
        {
            targets.Add(await store.SummarizeRunsAsync(name, start, end, ct));
        }

        return new AuditReport(
            month.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            await store.SummarizeRunsAsync(null, start, end, ct),
            [.. manual.GroupBy(a => a.Actor, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new ManualSyncs(g.Key, g.Count(), [.. g.Select(a => a.Subject ?? "").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]))],
            targets);
    }

    /// <summary>Targets by 95th percentile duration, slowest first (at most ten).</summary>
    public IEnumerable<RunRollup> Slowest => Targets.Where(t => t.DurationP95Ms is not null).OrderByDescending(t => t.DurationP95Ms).ThenBy(t => t.Target, StringComparer.Ordinal).Take(10);

    /// <summary>Targets with failures, most first.</summary>
    public IEnumerable<RunRollup> Failing => Targets.Where(t => t.Failures > 0).OrderByDescending(t => t.Failures).ThenBy(t => t.Target, StringComparer.Ordinal);

    public string ToJson() => JsonSerializer.Serialize(new
    {
        month = Month,
        runs = Totals(Overall),
        manual_syncs = Manual.Select(m => new { actor = m.Actor, count = m.Count, targets = m.Targets }),
        failures = Failing.Select(t => new { target = t.Target, failures = t.Failures, attempts = t.Attempts }),
        slowest_targets = Slowest.Select(t => new { target = t.Target, duration_p95_ms = t.DurationP95Ms, duration_max_ms = t.DurationMaxMs }),
        targets = Targets.Select(t => new { target = t.Target, runs = Totals(t) }),
    }, JsonOutput.Options);

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Syncplane audit report: {Month}").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{Overall.Attempts} runs: {Overall.Successes} succeeded, {Overall.Failures} failed, {Overall.Refusals} refused, " +
            $"{Overall.Cancellations} cancelled; success rate {Rate(Overall)}.").AppendLine();
        md.AppendLine("## Manual syncs").AppendLine();
        Table(md, ["Who", "Syncs", "Targets"], Manual.Select(m => new[] { m.Actor, Number(m.Count), string.Join(", ", m.Targets) }));
        md.AppendLine("## Success rates").AppendLine();
        Table(md, ["Target", "Runs", "Succeeded", "Failed", "Success rate"],
            Targets.Select(t => new[] { t.Target!, Number(t.Attempts), Number(t.Successes), Number(t.Failures), Rate(t) }));
        md.AppendLine("## Failures").AppendLine();
        Table(md, ["Target", "Failed runs"], Failing.Select(t => new[] { t.Target!, Number(t.Failures) }));
        md.AppendLine("## Slowest targets").AppendLine();
        Table(md, ["Target", "p95 duration", "Longest run"], Slowest.Select(t => new[] { t.Target!, Seconds(t.DurationP95Ms), Seconds(t.DurationMaxMs) }));
        return md.ToString();
    }

    private static object Totals(RunRollup r) => new
    {
        attempts = r.Attempts, successes = r.Successes, failures = r.Failures, refusals = r.Refusals, cancellations = r.Cancellations,
        success_rate = r.SuccessRate is { } rate ? Math.Round(rate, 4) : (double?)null,
        duration_p50_ms = r.DurationP50Ms, duration_p95_ms = r.DurationP95Ms, duration_max_ms = r.DurationMaxMs,
    };

    private static void Table(StringBuilder md, string[] header, IEnumerable<string[]> rows)
    {
        var lines = rows.ToList();
        if (lines.Count == 0)
        {
            md.AppendLine("None.").AppendLine();
            return;
        }

        md.AppendLine("| " + string.Join(" | ", header) + " |").AppendLine("|" + string.Concat(header.Select(_ => " --- |")));
        foreach (var row in lines)
        {
            md.AppendLine("| " + string.Join(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        }

        md.AppendLine();
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Rate(RunRollup r) => r.SuccessRate is { } rate ? (rate * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "-";

    private static string Seconds(long? ms) => ms is { } v ? (v / 1000.0).ToString("0.0", CultureInfo.InvariantCulture) + " s" : "-";
}
