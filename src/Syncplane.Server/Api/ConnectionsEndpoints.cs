using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Syncplane.Operations;
using Syncplane.Server.Security;

namespace Syncplane.Server.Api;

/// <summary>
/// Seed 003's routes (<c>seeds/003</c>), so its front end can drive Syncplane: <c>/connections/{id}/sync-now</c>,
/// <c>/sync-frequency</c> and <c>/sync-status</c>, where the connection id is a target's name. They alias the
/// target routes (same roles, same actions, same audit records) with the seed's bodies: the eight fields of its
/// <c>ConnectionSyncStatus</c> and nothing else, always present, null when unknown. Served at the root, as the
/// seed has them, and under <c>/api/v1</c>; <c>GET /connections/</c> lists every target with those fields.
/// </summary>
internal static class ConnectionsEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        Map(app.MapGroup("/connections"), "");
        Map(app.MapGroup("/api/v1/connections"), "V1");
    }

    private static void Map(RouteGroupBuilder connections, string suffix)
    {
        connections.WithTags("Seed 003 connections compatibility");
        connections.MapGet("/", ListAsync).RequireAuthorization(Policies.Viewer).ScopeFiltered().WithName("ListConnections" + suffix)
            .WithSummary("Seed 003: every target as a connection: id, name and the eight sync tracking fields");
        connections.MapPost("/{id}/sync-now", SyncNowAsync).RequireAuthorization(Policies.Operator).ScopedTo(ScopedObject.Target, "id", (_, id) => UnknownConnection(id)).WithName("ConnectionSyncNow" + suffix)
            .WithSummary("Seed 003: queue a manual run of target {id} → 202 {job_id, status: \"queued\"}");
        connections.MapPatch("/{id}/sync-frequency", FrequencyAsync).RequireAuthorization(Policies.Admin).ScopedTo(ScopedObject.Target, "id", (_, id) => UnknownConnection(id)).WithName("ConnectionSyncFrequency" + suffix)
            .WithSummary("Seed 003: {\"sync_frequency\": VALUE} sets target {id}'s runtime schedule → its sync-status");
        connections.MapGet("/{id}/sync-status", StatusAsync).RequireAuthorization(Policies.Viewer).ScopedTo(ScopedObject.Target, "id", (_, id) => UnknownConnection(id)).WithName("ConnectionSyncStatus" + suffix)
            .WithSummary("Seed 003: target {id}'s eight sync tracking fields");
    }

    private static async Task<IResult> SyncNowAsync(ServerContext context, ClaimsPrincipal user, string id, CancellationToken cancellationToken)
    {
        if (TargetsEndpoints.Find(context, id) is not { } target)
        {
            return UnknownConnection(id);
        }

        var queued = await TargetsEndpoints.SyncNowAsync(context, user, target, cancellationToken);
        return Results.Accepted($"/api/v1/runs/{queued.RunId}", new SyncJob(queued.RunId, "queued"));
    }

    private static async Task<IResult> FrequencyAsync(ServerContext context, TargetTelemetryCache cache, ClaimsPrincipal user, HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (TargetsEndpoints.Find(context, id) is not { } target)
        {
            return UnknownConnection(id);
        }

        var (frequency, problem) = await TargetsEndpoints.ReadFrequencyAsync(request, target, seedOnly: true, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        await TargetsEndpoints.SetFrequencyAsync(context, user, target, frequency, cancellationToken);
        return Results.Ok(ConnectionSyncStatus.Of(await cache.OneAsync(target, cancellationToken)));
    }

    private static async Task<IResult> ListAsync(ServerContext context, TargetTelemetryCache cache, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var scope = context.ScopeOf(user);
        return Results.Ok((await cache.ListAsync(context.Config.Targets, cancellationToken)).Where(t => scope.SeesTarget(t.Target)).Select(ConnectionOut.Of));
    }

    private static async Task<IResult> StatusAsync(ServerContext context, TargetTelemetryCache cache, string id, CancellationToken cancellationToken) =>
        TargetsEndpoints.Find(context, id) is { } target
            ? Results.Ok(ConnectionSyncStatus.Of(await cache.OneAsync(target, cancellationToken)))
            : UnknownConnection(id);

    // The same answer for another project's target (see ProjectGate): nothing in it may depend on what exists.
    private static IResult UnknownConnection(string id) =>
        Problems.NotFound($"no connection '{id}': a connection id is a target name; GET /api/v1/targets lists the configured targets");

    /// <summary>Seed 003's <c>SyncJobResponse</c>: <c>job_id</c> is the run id.</summary>
    private sealed record SyncJob(long JobId, string Status);
}
