using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Syncplane.Operations;
using Syncplane.Server.Security;
using Syncplane.Storage;

namespace Syncplane.Server.Api;

/// <summary>
/// <c>GET /api/v1/overview</c>: targets by status, runs of the last 24 hours by outcome, stale targets (see
/// <see cref="Freshness"/>), failing targets (one or more failures since their last good run) and queue depth.
/// </summary>
internal static class OverviewEndpoints
{
    private static readonly TimeSpan RecentWindow = TimeSpan.FromHours(24);

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/overview", GetAsync).RequireAuthorization(Policies.Viewer).WithName("GetOverview")
            .WithSummary("Targets by status, runs of the last 24h by outcome, stale and failing targets, queue depth");

    private static async Task<IResult> GetAsync(ServerContext context, CancellationToken cancellationToken)
    {
        var now = context.Time.GetUtcNow();
        var telemetry = await TargetTelemetry.ListAsync(context.Config, context.Store, context.Time, cancellationToken);
        var statistics = await context.Store.GetRunStatisticsAsync(now - RecentWindow, cancellationToken);
        var targets = context.Config.Targets.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var stale = telemetry.Where(t => Freshness.IsStale(targets[t.Target], t, now)).Select(t => new
        {
            target = t.Target,
            sync_frequency = t.SyncFrequency,
            last_succeeded_at = t.LastSucceededAt,
            age_seconds = t.LastSucceededAt is { } at ? (now - at).TotalSeconds : (double?)null,
        });
        var failing = telemetry.Where(t => t.ConsecutiveFailures > 0).Select(t => new
        {
            target = t.Target,
            consecutive_failures = t.ConsecutiveFailures,
            last_sync_error = t.LastSyncError,
            last_succeeded_at = t.LastSucceededAt,
        });
        return Results.Ok(new
        {
            targets = new
            {
                total = telemetry.Count,
                by_status = telemetry.GroupBy(t => t.SyncStatus).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
                paused = telemetry.Count(t => t.PausedReason is not null),
            },
            runs_last_24h = statistics.Groups.GroupBy(g => StoreText.From(g.Status)).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(x => x.Count)),
            stale_targets = stale,
            failing_targets = failing,
            queue_depth = statistics.QueueDepth,
            at = now,
        });
    }
}
