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
        api.MapGet("/overview", GetAsync).RequireAuthorization(Policies.Viewer).ScopeFiltered().WithName("GetOverview")
            .WithSummary("Targets by status, runs of the last 24h by outcome, stale and failing targets, queue depth");

    private static async Task<IResult> GetAsync(ServerContext context, System.Security.Claims.ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var now = context.Time.GetUtcNow();
        var scope = context.ScopeOf(user);
        var telemetry = (await TargetTelemetry.ListAsync(context.Config, context.Store, context.Time, cancellationToken)).Where(t => scope.SeesTarget(t.Target)).ToList();
        var statistics = await context.Store.GetRunStatisticsAsync(now - RecentWindow, cancellationToken);
        var groups = statistics.Groups.Where(g => scope.SeesTarget(g.Target)).ToList();
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
            runs_last_24h = groups.GroupBy(g => StoreText.From(g.Status)).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(x => x.Count)),
            stale_targets = stale,
            failing_targets = failing,
            // A project's queue depth counts its queued runs, due or not: the store's due count covers every project.
            queue_depth = scope.IsGlobal ? statistics.QueueDepth : groups.Where(g => g.Status == RunStatus.Queued).Sum(g => g.Count),
            at = now,
        });
    }
}
