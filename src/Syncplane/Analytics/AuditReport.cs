using System.Globalization;
using System.Text;
using Syncplane.Projects;
using Syncplane.Storage;
using Syncplane.Storage.Rollups;

namespace Syncplane.Analytics;

/// <summary>
/// The monthly audit report (seed 001): manual syncs by whom (the audit log's run.trigger and run.retry), runs and
/// success rates per target and overall, failures, and the slowest targets, all for one UTC calendar month. Built
/// here for both <c>syncplane report audit</c> and <c>GET /api/v1/reports/audit</c>, so the two say the same.
/// </summary>
internal sealed record AuditReport(
    string Month, RunRollup Overall, IReadOnlyList<AuditReport.ManualSyncs> Manual, IReadOnlyList<RunRollup> Targets)
{
    /// <summary>The audit actions that are manual syncs.</summary>
    private static readonly string[] ManualActions = ["run.trigger", "run.retry"];

    /// <summary>One actor's manual syncs.</summary>
    internal sealed record ManualSyncs(string Actor, int Count, IReadOnlyList<string> Targets);

    /// <summary>Reads <paramref name="text"/> as a month, <c>YYYY-MM</c> (2026-11), one whose end is a date (not 9999-12).</summary>
    public static bool TryParseMonth(string text, out DateOnly month) =>
        DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out month)
        && month < new DateOnly(9999, 12, 1);

    /// <summary>The UTC calendar month before the one of <paramref name="now"/>: the report's default.</summary>
    public static DateOnly PreviousMonth(DateTimeOffset now) => new DateOnly(now.UtcDateTime.Year, now.UtcDateTime.Month, 1).AddMonths(-1);

    /// <summary>
    /// The report of <paramref name="month"/>. A project's <paramref name="scope"/> keeps its own targets and the manual
    /// syncs of them; its overall figures then add up its targets' (without percentiles, which need the runs' histograms).
    /// </summary>
    public static async Task<AuditReport> BuildAsync(ISyncStore store, DateOnly month, ProjectScope scope, CancellationToken ct)
    {
        var start = new DateTimeOffset(month.Year, month.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var end = start.AddMonths(1);
        var manual = new List<AuditRecord>();
        for (long? before = null; ;)
        {
            var page = await store.ListAuditAsync(before, 500, ct);
            manual.AddRange(page.Where(a => a.At >= start && a.At < end && ManualActions.Contains(a.Action) && scope.SeesTarget(a.Subject)));
            if (page.Count < 500 || page[^1].At < start)
            {
                break;
            }

            before = page[^1].Id;
        }

        var names = (await store.ReadRunRollupsAsync(new RollupQuery(RollupPeriod.Day, start, end, PerTarget: true), ct))
            .Select(r => r.Target!).Where(scope.SeesTarget).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var targets = new List<RunRollup>();
        foreach (var name in names)
        {
            targets.Add(await store.SummarizeRunsAsync(name, start, end, ct));
        }

        return new AuditReport(
            month.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            scope.IsGlobal ? await store.SummarizeRunsAsync(null, start, end, ct) : RunRollup.Sum(targets, start),
            [.. manual.GroupBy(a => a.Actor, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new ManualSyncs(g.Key, g.Count(), [.. g.Select(a => a.Subject ?? "").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]))],
            targets);
    }

    /// <summary>Targets by 95th percentile duration, slowest first (at most ten).</summary>
    public IEnumerable<RunRollup> Slowest => Targets.Where(t => t.DurationP95Ms is not null).OrderByDescending(t => t.DurationP95Ms).ThenBy(t => t.Target, StringComparer.Ordinal).Take(10);

    /// <summary>Targets with failures, most first.</summary>
    public IEnumerable<RunRollup> Failing => Targets.Where(t => t.Failures > 0).OrderByDescending(t => t.Failures).ThenBy(t => t.Target, StringComparer.Ordinal);

    /// <summary>The report as JSON shows it (snake_case names): what <c>--format json</c> prints and the API returns.</summary>
    public object ToJsonModel() => new
    {
        month = Month,
        runs = Totals(Overall),
        manual_syncs = Manual.Select(m => new { actor = m.Actor, count = m.Count, targets = m.Targets }),
        failures = Failing.Select(t => new { target = t.Target, failures = t.Failures, attempts = t.Attempts }),
        slowest_targets = Slowest.Select(t => new { target = t.Target, duration_p95_ms = t.DurationP95Ms, duration_max_ms = t.DurationMaxMs }),
        targets = Targets.Select(t => new { target = t.Target, runs = Totals(t) }),
    };

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
