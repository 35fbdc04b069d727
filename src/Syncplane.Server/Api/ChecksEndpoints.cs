using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Syncplane.Access;
using Syncplane.Checks;
using Syncplane.Server.Security;
using Syncplane.Storage.Rollups;

namespace Syncplane.Server.Api;

/// <summary>
/// Checks: the newest result of each declared check, and one check's recent history and daily analytics
/// (from the daily check rollups, so they outlive pruned results). Reads come from the stored results (the cache the check scheduler fills); only <c>?refresh=true</c>
/// (operator) runs a probe, and only when the newest result is older than the check's <c>cache_ttl</c>.
/// </summary>
internal static class ChecksEndpoints
{
    private const int DefaultHistory = 50;
    private const int MaxHistory = 500;
    private const int DefaultDays = 7;
    private const int MaxDays = 30;

    // One forced probe at a time per node, so concurrent refreshes of a stale check probe it once.
    private static readonly SemaphoreSlim RefreshGate = new(1, 1);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/checks", ListAsync).RequireAuthorization(Policies.Viewer).ScopeFiltered().WithName("ListChecks")
            .WithSummary("Every declared check with its newest result");
        api.MapGet("/checks/{name}", GetAsync).RequireAuthorization(Policies.Viewer).ScopedTo(ScopedObject.Check, "name", (_, name) => UnknownCheck(name)).WithName("GetCheck")
            .WithSummary("One check: newest result, history and daily uptime and latency; ?refresh=true (operator) probes a stale one");
    }

    private static async Task<IResult> ListAsync(ServerContext context, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var latest = await LatestAsync(context, cancellationToken);
        var checks = Visible(context, user);
        var results = checks.Select(c => latest.GetValueOrDefault(c.Name)).OfType<CheckResult>().ToList();
        return Results.Ok(new
        {
            overall = results.Count == 0 ? CheckStatus.Unknown.ToText() : CheckStatusText.Worst(results.Select(r => r.Status)).ToText(),
            items = checks.Select(c => Summary(context, c, latest.GetValueOrDefault(c.Name))),
        });
    }

    /// <summary>The declared checks the caller's project may see, in config order.</summary>
    internal static IReadOnlyList<CheckConfig> Visible(ServerContext context, ClaimsPrincipal user)
    {
        var scope = context.ScopeOf(user);
        return scope.IsGlobal ? context.Config.Checks.Items : [.. context.Config.Checks.Items.Where(c => scope.SeesCheck(c.Name))];
    }

    internal static IResult UnknownCheck(string name) => Problems.NotFound($"no check named '{name}' is declared in the config");

    private static async Task<IResult> GetAsync(
        string name, bool? refresh, int? limit, int? days, ServerContext context, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (context.Config.Checks.Find(name) is not { } check)
        {
            return UnknownCheck(name);
        }

        if (limit is < 1 or > MaxHistory)
        {
            return Problems.BadRequest($"'limit' must be between 1 and {MaxHistory}");
        }

        if (days is < 1 or > MaxDays)
        {
            return Problems.BadRequest($"'days' must be between 1 and {MaxDays}");
        }

        var refreshed = false;
        if (refresh == true)
        {
            if (!Policies.HasRole(user, ApiRole.Operator))
            {
                return Results.Problem("refresh=true runs the check and needs an operator token", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
            }

            refreshed = await RefreshIfStaleAsync(context, check, cancellationToken);
            if (refreshed)
            {
                await AuditTrail.RecordAsync(context, user, "check.refresh", check.Name, new { kind = check.Kind });
            }
        }

        var now = context.Time.GetUtcNow();
        var today = RollupQuery.Floor(now, RollupPeriod.Day);
        var window = await context.Store.ReadCheckRollupsAsync(
            new RollupQuery(RollupPeriod.Day, today.AddDays(1 - (days ?? DefaultDays)), today.AddDays(1), name), cancellationToken);
        var history = await context.Store.ListCheckResultsAsync(name, null, limit ?? DefaultHistory, cancellationToken);
        var latest = history.Count > 0 ? history[0] : null;
        return Results.Ok(new
        {
            check = Summary(context, check, latest),
            details = latest?.Details,
            refreshed,
            history = history.Select(r => new { status = r.Status.ToText(), message = r.Message, latency_ms = r.LatencyMs, checked_at = r.CheckedAt }),
            daily = window.OrderByDescending(d => d.PeriodStart).Select(d => new
            {
                date = DateOnly.FromDateTime(d.PeriodStart.UtcDateTime),
                samples = d.Samples,
                healthy = d.Healthy,
                degraded = d.Degraded,
                down = d.Down,
                unknown = d.Unknown,
                uptime_percent = d.UptimePercent,
                latency_p50_ms = d.LatencyP50Ms,
                latency_p95_ms = d.LatencyP95Ms,
                latency_p99_ms = d.LatencyP99Ms,
            }),
        });
    }

    private static async Task<bool> RefreshIfStaleAsync(ServerContext context, CheckConfig check, CancellationToken cancellationToken)
    {
        await RefreshGate.WaitAsync(cancellationToken);
        try
        {
            var previous = (await LatestAsync(context, cancellationToken)).GetValueOrDefault(check.Name);
            if (previous is not null && context.Time.GetUtcNow() - previous.CheckedAt < check.CacheTtl)
            {
                return false;
            }

            var result = await new CheckRunner(context.Time, context.Secrets).RunOneAsync(check, cancellationToken);
            await CheckRecorder.RecordAsync(context.Store, result, previous, cancellationToken);
            return true;
        }
        finally
        {
            RefreshGate.Release();
        }
    }

    private static object Summary(ServerContext context, CheckConfig check, CheckResult? latest) => new
    {
        name = check.Name,
        display_name = check.DisplayName,
        kind = check.Kind,
        section = check.Section ?? CheckKinds.Heading(check.Kind),
        interval_seconds = check.Interval.TotalSeconds,
        cache_ttl_seconds = check.CacheTtl.TotalSeconds,
        status = (latest?.Status ?? CheckStatus.Unknown).ToText(),
        message = latest?.Message ?? "not checked yet",
        latency_ms = latest?.LatencyMs,
        checked_at = latest?.CheckedAt,
        age_seconds = latest is null ? (double?)null : Math.Round((context.Time.GetUtcNow() - latest.CheckedAt).TotalSeconds, 3),
    };

    internal static async Task<Dictionary<string, CheckResult>> LatestAsync(ServerContext context, CancellationToken cancellationToken) =>
        (await context.Store.ListLatestCheckResultsAsync(cancellationToken)).ToDictionary(r => r.Name, StringComparer.Ordinal);
}
