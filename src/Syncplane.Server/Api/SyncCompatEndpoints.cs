using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Syncplane.Checks;
using Syncplane.Server.Security;

namespace Syncplane.Server.Api;

/// <summary>
/// The Infinity Sync routes (<c>seeds/002</c>), so what polled its backend can poll Syncplane:
/// <c>/api/sync/status</c>, <c>/api/sync/heartbeat</c>, <c>/api/sync/heartbeat/{name}</c> and <c>/api/sync/overview</c>,
/// built from the newest stored check results. Field names are the seed's, camelCase and PascalCase included
/// (unlike the snake_case <c>/api/v1</c>), so the bodies are JSON nodes whose keys no naming policy rewrites.
/// </summary>
internal static class SyncCompatEndpoints
{
    /// <summary>A status whose oldest result is younger than this is <c>fresh</c>, as the seed's <c>isSyncStatusFresh</c>.</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromMinutes(5);

    public static void Map(IEndpointRouteBuilder app)
    {
        var sync = app.MapGroup("/api/sync").RequireAuthorization(Policies.Viewer).WithTags("Infinity Sync compatibility");
        sync.MapGet("/status", StatusAsync).ScopeFiltered().WithName("SyncStatus").WithSummary("Infinity Sync: the status file document with `fresh`; 404 before any result");
        sync.MapGet("/heartbeat", HeartbeatsAsync).ScopeFiltered().WithName("SyncHeartbeats").WithSummary("Infinity Sync: one heartbeat per declared check");
        sync.MapGet("/heartbeat/{name}", HeartbeatAsync).ScopedTo(ScopedObject.Check, "name", (_, name) => ChecksEndpoints.UnknownCheck(name)).WithName("SyncHeartbeat").WithSummary("Infinity Sync: one check's heartbeat");
        sync.MapGet("/overview", OverviewAsync).ScopeFiltered().WithName("SyncOverview").WithSummary("Infinity Sync: status, freshness and heartbeats");
    }

    private static async Task<IResult> StatusAsync(ServerContext context, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var checks = ChecksEndpoints.Visible(context, user);
        var results = Declared(checks, await ChecksEndpoints.LatestAsync(context, cancellationToken));
        return results.Count == 0
            ? Problems.NotFound("no sync status available: no check has run yet (wait for the first interval, or run `syncplane check`)")
            : Results.Json(StatusDocument(context, checks, results));
    }

    private static async Task<IResult> HeartbeatsAsync(ServerContext context, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var latest = await ChecksEndpoints.LatestAsync(context, cancellationToken);
        return Results.Json(new JsonObject
        {
            ["timestamp"] = Time(context.Time.GetUtcNow()),
            ["heartbeats"] = Heartbeats(ChecksEndpoints.Visible(context, user), latest),
        });
    }

    private static async Task<IResult> HeartbeatAsync(string name, ServerContext context, CancellationToken cancellationToken)
    {
        if (context.Config.Checks.Find(name) is not { } check)
        {
            return ChecksEndpoints.UnknownCheck(name);
        }

        var latest = await ChecksEndpoints.LatestAsync(context, cancellationToken);
        return Results.Json(Heartbeat(check, latest.GetValueOrDefault(name)));
    }

    private static async Task<IResult> OverviewAsync(ServerContext context, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var latest = await ChecksEndpoints.LatestAsync(context, cancellationToken);
        var checks = ChecksEndpoints.Visible(context, user);
        var results = Declared(checks, latest);
        var status = results.Count == 0 ? null : StatusDocument(context, checks, results);
        return Results.Json(new JsonObject
        {
            ["syncStatus"] = status,
            ["syncStatusFresh"] = status is not null && status["fresh"]!.GetValue<bool>(),
            ["heartbeats"] = Heartbeats(checks, latest),
            ["timestamp"] = Time(context.Time.GetUtcNow()),
        });
    }

    // The status file's document, timestamped by the newest result, plus the seed's `fresh`: the whole snapshot is
    // under 5 minutes old, so every declared check has a result and the oldest of them is that young.
    private static JsonObject StatusDocument(ServerContext context, IReadOnlyList<CheckConfig> checks, List<CheckResult> results)
    {
        var document = CheckStatusDocument.Build(results, context.Config.Checks with { Items = checks }, results.Max(r => r.CheckedAt));
        document["fresh"] = results.Count == checks.Count && context.Time.GetUtcNow() - results.Min(r => r.CheckedAt) < FreshFor;
        return document;
    }

    // One heartbeat per declared check; a check without a result is `unknown` ("not yet checked", as the seed).
    private static JsonArray Heartbeats(IReadOnlyList<CheckConfig> checks, Dictionary<string, CheckResult> latest) =>
        [.. checks.Select(c => (JsonNode)Heartbeat(c, latest.GetValueOrDefault(c.Name)))];

    // The seed names a heartbeat by its service ("GitHub API"): the check's display_name, else its name.
    private static JsonObject Heartbeat(CheckConfig check, CheckResult? result) => new()
    {
        ["service"] = check.SeedName,
        ["status"] = (result?.Status ?? CheckStatus.Unknown).ToText(),
        ["lastCheck"] = result is null ? null : Time(result.CheckedAt),
        ["responseTime"] = result?.LatencyMs,
    };

    // Results of the checks the config declares, in config order (results of removed checks stay in history only).
    private static List<CheckResult> Declared(IReadOnlyList<CheckConfig> checks, Dictionary<string, CheckResult> latest) =>
        [.. checks.Select(c => latest.GetValueOrDefault(c.Name)).OfType<CheckResult>()];

    private static string Time(DateTimeOffset at) => CheckStatusDocument.Time(at);
}
