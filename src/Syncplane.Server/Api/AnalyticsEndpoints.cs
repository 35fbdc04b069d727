using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Syncplane.Analytics;
using Syncplane.Projects;
using Syncplane.Server.Security;
using Syncplane.Storage.Rollups;

namespace Syncplane.Server.Api;

/// <summary>
/// <c>GET /api/v1/analytics</c>: a time series from the rollups, per hour or day, of one target's runs, one check's
/// results, or all targets' runs summed. See docs/analytics.md.
/// </summary>
internal static class AnalyticsEndpoints
{
    /// <summary>The most points one request returns (93 days of hours).</summary>
    internal const int MaxPoints = 93 * 24;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/analytics", GetAsync).RequireAuthorization(Policies.Viewer).ScopeFiltered().WithName("GetAnalytics")
            .WithSummary("A time series of run (or check) rollups: ?target=|check=&from=&to=&step=hour|day");

    private static async Task<IResult> GetAsync(HttpRequest request, ServerContext context, CancellationToken cancellationToken)
    {
        var query = request.Query;
        string? target = query["target"], check = query["check"];
        if (target is not null && check is not null)
        {
            return Problems.BadRequest("give 'target' or 'check', not both");
        }

        if (target is "" || check is "")
        {
            return Problems.BadRequest("'target' and 'check' name a target or a check; leave them out for all targets");
        }

        RollupPeriod step;
        switch ((string?)query["step"] ?? "day")
        {
            case "hour": step = RollupPeriod.Hour; break;
            case "day": step = RollupPeriod.Day; break;
            default: return Problems.BadRequest($"'step' must be hour or day, not '{query["step"]}'");
        }

        var now = context.Time.GetUtcNow();
        if (!TryTime(query["to"], now, out var to) || !TryTime(query["from"], to - (step == RollupPeriod.Hour ? TimeSpan.FromHours(24) : TimeSpan.FromDays(30)), out var from))
        {
            return Problems.BadRequest("'from' and 'to' must be RFC 3339 timestamps with an offset, such as 2026-11-01T00:00:00Z");
        }

        if (from >= to)
        {
            return Problems.BadRequest($"'from' ({from:O}) must be before 'to' ({to:O})");
        }

        if (AnalyticsSeries.Periods(from, to, step).Take(MaxPoints + 1).Count() > MaxPoints)
        {
            return Problems.BadRequest($"at most {MaxPoints} points per request: narrow from/to or use step=day");
        }

        var rollups = new RollupQuery(step, RollupQuery.Floor(from, step), to, target ?? check);
        var scope = context.ScopeOf(request.HttpContext.User);
        object points = check is not null
            ? AnalyticsSeries.Checks(scope.SeesCheck(check) ? await context.Store.ReadCheckRollupsAsync(rollups, cancellationToken) : [], from, to, step, check).Select(c => new
            {
                start = c.PeriodStart,
                samples = c.Samples,
                healthy = c.Healthy,
                degraded = c.Degraded,
                down = c.Down,
                unknown = c.Unknown,
                uptime_percent = c.UptimePercent,
                latency_p50_ms = c.LatencyP50Ms,
                latency_p95_ms = c.LatencyP95Ms,
                latency_p99_ms = c.LatencyP99Ms,
                latency_max_ms = c.LatencyMaxMs,
            })
            : AnalyticsSeries.Runs(await RunRollupsAsync(context, scope, rollups, cancellationToken), from, to, step, target).Select(r => new
            {
                start = r.PeriodStart,
                attempts = r.Attempts,
                successes = r.Successes,
                failures = r.Failures,
                refusals = r.Refusals,
                cancellations = r.Cancellations,
                success_rate = r.SuccessRate is { } rate ? Math.Round(rate, 4) : (double?)null,
                runs_with_changes = r.RunsWithChanges,
                items_written = r.ItemsWritten,
                duration_p50_ms = r.DurationP50Ms,
                duration_p95_ms = r.DurationP95Ms,
                duration_max_ms = r.DurationMaxMs,
                latency_p50_ms = r.LatencyP50Ms,
                latency_p95_ms = r.LatencyP95Ms,
                latency_max_ms = r.LatencyMaxMs,
                last_success_at = r.LastSuccessAt,
                freshness_seconds = target is null ? null : AnalyticsSeries.FreshnessSeconds(r, step, now),
            });
        return Results.Ok(new { target, check, step = step == RollupPeriod.Hour ? "hour" : "day", from, to, points });
    }

    // A project token reads its own targets only: another project's target reads as one without runs (as a name that
    // does not exist), and "all targets" sums the project's targets (counts and maxima, as the fleet series has).
    private static async Task<IReadOnlyList<RunRollup>> RunRollupsAsync(ServerContext context, ProjectScope scope, RollupQuery query, CancellationToken cancellationToken)
    {
        if (scope.IsGlobal)
        {
            return await context.Store.ReadRunRollupsAsync(query, cancellationToken);
        }

        if (query.Subject is { } target)
        {
            return scope.SeesTarget(target) ? await context.Store.ReadRunRollupsAsync(query, cancellationToken) : [];
        }

        var rows = await context.Store.ReadRunRollupsAsync(query with { PerTarget = true }, cancellationToken);
        return [.. rows.Where(r => scope.SeesTarget(r.Target)).GroupBy(r => r.PeriodStart).Select(g => RunRollup.Sum([.. g], g.Key))];
    }

    private static bool TryTime(string? text, DateTimeOffset fallback, out DateTimeOffset value)
    {
        if (text is null)
        {
            value = fallback;
            return true;
        }

        // An offset is required: a bare local time would mean different instants on different servers.
        var ok = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out value)
                 && (text.EndsWith('Z') || text.EndsWith('z') || text.LastIndexOfAny(['+', '-']) > 10);
        value = value.ToUniversalTime();
        return ok;
    }
}
