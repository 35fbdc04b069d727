using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Syncplane.Config;
using Syncplane.Operations;
using Syncplane.Scheduling;
using Syncplane.Server.Security;
using Syncplane.Storage;

namespace Syncplane.Server.Api;

/// <summary>Targets: their config (without secrets) and telemetry, sync now, frequency, pause and resume.</summary>
internal static class TargetsEndpoints
{
    private static readonly JsonShape ListItem = new((t, telemetry) => new { name = t.Name, description = t.Description, layer = t.Layer, telemetry });
    private static readonly JsonShape Detail = new(TargetView.Detail);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/targets", ListAsync).RequireAuthorization(Policies.Viewer).ScopeFiltered().WithName("ListTargets")
            .WithSummary("Targets with their telemetry, in config order (paginated: limit, cursor); ETag and If-None-Match (304)");
        api.MapGet("/targets/{name}", GetAsync).RequireAuthorization(Policies.Viewer).ScopedTo(ScopedObject.Target, "name", (_, name) => UnknownTarget(name)).WithName("GetTarget")
            .WithSummary("One target's configuration (secrets masked, env by name only) and telemetry");
        api.MapGet("/targets/{name}/status", StatusAsync).RequireAuthorization(Policies.Viewer).ScopedTo(ScopedObject.Target, "name", (_, name) => UnknownTarget(name)).WithName("GetTargetStatus")
            .WithSummary("One target's telemetry (seed 003's sync-status fields)");
        api.MapPost("/targets/{name}/sync", SyncAsync).RequireAuthorization(Policies.Operator).ScopedTo(ScopedObject.Target, "name", (_, name) => UnknownTarget(name)).WithName("SyncTarget")
            .WithSummary("Queue a manual run now (202 with the run id; coalesces with a queued run; ?resync=true resyncs a bidirectional target)");
        api.MapPost("/targets/{name}/dry-run", DryRunAsync).RequireAuthorization(Policies.Operator).ScopedTo(ScopedObject.Target, "name", (_, name) => UnknownTarget(name)).WithName("DryRunTarget")
            .WithSummary("Queue a dry run: it plans, writes nothing and logs the plan (202 with the run id and dry_run, false when it joined a queued real run)");
        api.MapPatch("/targets/{name}/frequency", FrequencyAsync).RequireAuthorization(Policies.Admin).ScopedTo(ScopedObject.Target, "name", (_, name) => UnknownTarget(name)).WithName("SetTargetFrequency")
            .WithSummary("Override the target's schedule at run time ({\"frequency\": \"30min\"}; null goes back to the config's)");
        api.MapPost("/targets/{name}/pause", PauseAsync).RequireAuthorization(Policies.Admin).ScopedTo(ScopedObject.Target, "name", (_, name) => UnknownTarget(name)).WithName("PauseTarget")
            .WithSummary("Stop scheduling the target (manual runs still go through)");
        api.MapPost("/targets/{name}/resume", ResumeAsync).RequireAuthorization(Policies.Admin).ScopedTo(ScopedObject.Target, "name", (_, name) => UnknownTarget(name)).WithName("ResumeTarget")
            .WithSummary("Schedule a paused target again");
    }

    private static async Task<IResult> ListAsync(
        ServerContext context, TargetTelemetryCache cache, TargetListCache pages, IOptions<JsonOptions> json, HttpResponse response, ClaimsPrincipal user,
        string? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!Paging.TryLimit(limit, out var size, out var problem))
        {
            return problem!;
        }

        var key = new PageKey(user.FindFirst(ProjectGate.ProjectClaim)?.Value, cursor, size);
        var snapshot = await cache.SnapshotAsync(cancellationToken);
        if (pages.Find(key, context.Config, snapshot, context.Time.GetUtcNow()) is { } kept)
        {
            return kept.Answer(response);
        }

        var scope = context.ScopeOf(user);
        IReadOnlyList<TargetConfig> targets = scope.IsGlobal ? context.Config.Targets : [.. context.Config.Targets.Where(t => scope.SeesTarget(t.Name))];
        var start = 0;
        if (cursor is not null)
        {
            var index = Paging.TryDecode(cursor, out var after) ? IndexOf(targets, after) : -1;
            if (index < 0)
            {
                return Problems.BadRequest("cursor is not one this server returned (or its target left the config); pass the next_cursor of the previous page");
            }

            start = index + 1;
        }

        var page = targets.Skip(start).Take(size).ToList();
        var items = await cache.JsonAsync(page, ListItem, json.Value.SerializerOptions, cancellationToken);
        var next = start + size < targets.Count ? Paging.Encode(page[^1].Name) : null;
        var nextJson = next is null ? null : JsonSerializer.SerializeToUtf8Bytes(next, json.Value.SerializerOptions);
        return pages.Keep(key, context.Config, items, nextJson, context.Time.GetUtcNow()).Answer(response);
    }

    private static async Task<IResult> GetAsync(
        ServerContext context, TargetTelemetryCache cache, IOptions<JsonOptions> json, string name, CancellationToken cancellationToken)
    {
        if (Find(context, name) is not { } target)
        {
            return UnknownTarget(name);
        }

        return Results.Bytes((await cache.JsonAsync([target], Detail, json.Value.SerializerOptions, cancellationToken)).Items[0], JsonItemsBody.ContentType);
    }

    private static async Task<IResult> StatusAsync(ServerContext context, TargetTelemetryCache cache, string name, CancellationToken cancellationToken) =>
        Find(context, name) is { } target ? Results.Ok(await cache.OneAsync(target, cancellationToken)) : UnknownTarget(name);

    private static async Task<IResult> SyncAsync(ServerContext context, ClaimsPrincipal user, string name, string? resync, CancellationToken cancellationToken)
    {
        if (Find(context, name) is not { } target)
        {
            return UnknownTarget(name);
        }

        if (resync is not null && !bool.TryParse(resync, out _))
        {
            return Problems.BadRequest($"resync must be true or false, found '{resync}'");
        }

        var resyncing = resync is not null && bool.Parse(resync);
        if (resyncing && ManualRuns.ResyncRefusal(target) is { } why)
        {
            return Problems.BadRequest(why);
        }

        var queued = await SyncNowAsync(context, user, target, cancellationToken, resyncing);
        return Results.Accepted($"/api/v1/runs/{queued.RunId}", new { run_id = queued.RunId, job_id = queued.RunId, status = "queued", coalesced = queued.Coalesced });
    }

    private static async Task<IResult> DryRunAsync(ServerContext context, ClaimsPrincipal user, string name, CancellationToken cancellationToken)
    {
        if (Find(context, name) is not { } target)
        {
            return UnknownTarget(name);
        }

        var queued = await ManualRuns.SyncNowAsync(context.Config, context.Store, context.Time, target, "api", cancellationToken, dryRun: true);
        var dryRun = (await context.Store.GetRunAsync(queued.RunId, cancellationToken))?.DryRun ?? true;
        await AuditTrail.RecordAsync(context, user, "run.dry_run", target.Name, new { run_id = queued.RunId, coalesced = queued.Coalesced, dry_run = dryRun });
        return Results.Accepted($"/api/v1/runs/{queued.RunId}", new { run_id = queued.RunId, status = "queued", coalesced = queued.Coalesced, dry_run = dryRun });
    }

    /// <summary>Queues a manual run (trigger <c>api</c>) and audits who asked.</summary>
    internal static async Task<EnqueueResult> SyncNowAsync(ServerContext context, ClaimsPrincipal user, TargetConfig target, CancellationToken cancellationToken, bool resync = false)
    {
        var queued = await ManualRuns.SyncNowAsync(context.Config, context.Store, context.Time, target, "api", cancellationToken, resync);
        await AuditTrail.RecordAsync(context, user, "run.trigger", target.Name, new { run_id = queued.RunId, coalesced = queued.Coalesced, resync });
        return queued;
    }

    private static async Task<IResult> FrequencyAsync(ServerContext context, TargetTelemetryCache cache, ClaimsPrincipal user, HttpRequest request, string name, CancellationToken cancellationToken)
    {
        if (Find(context, name) is not { } target)
        {
            return UnknownTarget(name);
        }

        var (frequency, problem) = await ReadFrequencyAsync(request, target, seedOnly: false, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        await SetFrequencyAsync(context, user, target, frequency, cancellationToken);
        return Results.Ok(await cache.OneAsync(target, cancellationToken));
    }

    /// <summary>
    /// Reads <c>{"frequency": VALUE}</c> or seed 003's <c>{"sync_frequency": VALUE}</c> (only the latter when
    /// <paramref name="seedOnly"/>); answers the value's canonical spelling (<c>Realtime</c> → <c>realtime</c>), null to clear, or a 400.
    /// </summary>
    internal static async Task<(string? Frequency, IResult? Problem)> ReadFrequencyAsync(HttpRequest request, TargetConfig target, bool seedOnly, CancellationToken cancellationToken)
    {
        const string Accepted = "accepted values: manual, realtime (30s), 5min, 10min, 30min, hourly, daily, 'every <duration>' (e.g. every 6h), a cron expression, or null for the config file's schedule";
        var shape = seedOnly ? "{\"sync_frequency\": VALUE}" : "{\"frequency\": VALUE} (or seed 003's {\"sync_frequency\": VALUE})";
        JsonElement body;
        try
        {
            body = (await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken)).RootElement;
        }
        catch (JsonException)
        {
            return (null, Problems.BadRequest($"the body must be a JSON object like {shape}; " + Accepted));
        }
        catch (BadHttpRequestException ex)
        {
            return (null, Results.Problem(ex.Message, statusCode: ex.StatusCode, title: "Bad Request Body"));
        }

        if (body.ValueKind != JsonValueKind.Object ||
            !((!seedOnly && body.TryGetProperty("frequency", out var value)) || body.TryGetProperty("sync_frequency", out value)) ||
            value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            return (null, Problems.BadRequest($"the body must be {shape}; " + Accepted));
        }

        var text = value.GetString();
        if (text is null)
        {
            return (null, null);
        }

        return Schedule.TryParse(text, target.Schedule.TimeZone, out var schedule, out var error)
            ? (schedule.Text, null)
            : (null, Problems.BadRequest($"invalid frequency '{text}': {error}; " + Accepted));
    }

    /// <summary>Stores the runtime frequency (null clears it) and audits who set it.</summary>
    internal static async Task SetFrequencyAsync(ServerContext context, ClaimsPrincipal user, TargetConfig target, string? frequency, CancellationToken cancellationToken)
    {
        await context.Store.SetFrequencyOverrideAsync(target.Name, frequency, cancellationToken);
        await AuditTrail.RecordAsync(context, user, "target.frequency", target.Name, new { frequency });
    }

    private static async Task<IResult> PauseAsync(ServerContext context, TargetTelemetryCache cache, ClaimsPrincipal user, string name, string? reason, CancellationToken cancellationToken)
    {
        if (Find(context, name) is not { } target)
        {
            return UnknownTarget(name);
        }

        var why = string.IsNullOrWhiteSpace(reason) ? "paused by " + Policies.Actor(user) : reason;
        await context.Store.SetPausedAsync(target.Name, why, cancellationToken);
        await AuditTrail.RecordAsync(context, user, "target.pause", target.Name, new { reason = why });
        return Results.Ok(await cache.OneAsync(target, cancellationToken));
    }

    private static async Task<IResult> ResumeAsync(ServerContext context, TargetTelemetryCache cache, ClaimsPrincipal user, string name, CancellationToken cancellationToken)
    {
        if (Find(context, name) is not { } target)
        {
            return UnknownTarget(name);
        }

        await context.Store.SetPausedAsync(target.Name, null, cancellationToken);
        await AuditTrail.RecordAsync(context, user, "target.resume", target.Name, new { });
        return Results.Ok(await cache.OneAsync(target, cancellationToken));
    }

    internal static TargetConfig? Find(ServerContext context, string name) => context.Config.Targets.FirstOrDefault(t => t.Name == name);

    // The same answer for a target of another project (see ProjectGate): nothing in it may depend on what exists.
    internal static IResult UnknownTarget(string name) =>
        Problems.NotFound($"no target named '{name}'; GET /api/v1/targets lists the configured targets");

    private static int IndexOf(IReadOnlyList<TargetConfig> targets, string name)
    {
        for (var i = 0; i < targets.Count; i++)
        {
            if (targets[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }
}
