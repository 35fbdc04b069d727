using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Syncplane.Operations;
using Syncplane.Storage;
using Syncplane.Server.Security;

namespace Syncplane.Server.Api;

/// <summary>Runs: list and filter, one run, its log (streamed while it runs), retry and cancel.</summary>
internal static class RunsEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/runs", ListAsync).RequireAuthorization(Policies.Viewer).ScopeFiltered().WithName("ListRuns")
            .WithSummary("Runs newest first, filtered by target, status and since (paginated: limit, cursor or before)");
        api.MapGet("/runs/{id:long}", GetAsync).RequireAuthorization(Policies.Viewer).ScopedTo(ScopedObject.Run, "id", (_, id) => UnknownRun(id)).WithName("GetRun")
            .WithSummary("One run: status, triggers, attempt, timings, plan summary, verification, source revision, message");
        api.MapGet("/runs/{id:long}/log", RunLogEndpoint.GetAsync).RequireAuthorization(Policies.Viewer).ScopedTo(ScopedObject.Run, "id", (_, id) => UnknownRun(id)).WithName("GetRunLog")
            .WithSummary("A run's log lines; with follow=true, NDJSON streamed until the run finishes");
        api.MapPost("/runs/{id:long}/retry", RetryAsync).RequireAuthorization(Policies.Operator).ScopedTo(ScopedObject.Run, "id", (_, id) => UnknownRun(id)).WithName("RetryRun")
            .WithSummary("Queue a fresh run of a failed or cancelled run's target (409 otherwise)");
        api.MapPost("/runs/{id:long}/cancel", CancelAsync).RequireAuthorization(Policies.Operator).ScopedTo(ScopedObject.Run, "id", (_, id) => UnknownRun(id)).WithName("CancelRun")
            .WithSummary("Cancel a queued run at once, or ask a running run's worker to stop it (202); 409 when finished");
    }

    private static async Task<IResult> ListAsync(
        ServerContext context, ClaimsPrincipal user, string? target, string? status, string? since, string? limit, string? cursor, string? before, CancellationToken cancellationToken)
    {
        if (!Paging.TryLimit(limit, out var size, out var problem) || !Paging.TryDecodeId(cursor, out var beforeId, out problem))
        {
            return problem!;
        }

        if (before is not null)
        {
            if (!long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return Problems.BadRequest($"before must be a run id, not '{before}'");
            }

            beforeId = id;
        }

        RunStatus? only = null;
        if (status is not null)
        {
            if (!Enum.TryParse<RunStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || status.Any(char.IsDigit))
            {
                return Problems.BadRequest($"status must be one of {string.Join(", ", Enum.GetValues<RunStatus>().Select(StoreText.From))}, not '{status}'");
            }

            only = parsed;
        }

        DateTimeOffset? from = null;
        if (since is not null)
        {
            if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                return Problems.BadRequest($"since must be an ISO 8601 time such as 2026-03-01T12:00:00Z, not '{since}'");
            }

            from = at;
        }

        var scope = context.ScopeOf(user);
        var query = new RunQuery(target, only, from, size, beforeId) { AnyOfTargets = scope.IsGlobal ? null : [.. context.Config.Projects.TargetsOf(scope.Project!)] };
        var runs = await context.Store.ListRunsAsync(query, cancellationToken);
        var next = runs.Count == size ? Paging.EncodeId(runs[^1].Id) : null;
        return Results.Ok(new { items = runs.Select(RunView.Of), next_cursor = next });
    }

    private static async Task<IResult> GetAsync(ServerContext context, long id, CancellationToken cancellationToken) =>
        await context.Store.GetRunAsync(id, cancellationToken) is { } run ? Results.Ok(RunView.Of(run)) : UnknownRun(id.ToString(CultureInfo.InvariantCulture));

    private static async Task<IResult> RetryAsync(ServerContext context, ClaimsPrincipal user, long id, CancellationToken cancellationToken)
    {
        var retried = await ManualRuns.RetryAsync(context.Config, context.Store, context.Time, id, cancellationToken);
        switch (retried.Refusal)
        {
            case RetryRefusal.NotFound:
                return UnknownRun(id.ToString(CultureInfo.InvariantCulture));
            case RetryRefusal.NotRetryable:
                return Problems.Conflict(retried.Error!);
            case RetryRefusal.UnknownTarget:
                return Problems.Conflict(retried.Error!);
        }

        var queued = retried.Queued!;
        await AuditTrail.RecordAsync(context, user, "run.retry", retried.Target!, new { run_id = id, queued_run_id = queued.RunId, coalesced = queued.Coalesced });
        return Results.Accepted(
            $"/api/v1/runs/{queued.RunId}", new { run_id = queued.RunId, job_id = queued.RunId, status = "queued", coalesced = queued.Coalesced, retry_of = id });
    }

    private static async Task<IResult> CancelAsync(ServerContext context, ClaimsPrincipal user, long id, CancellationToken cancellationToken)
    {
        var actor = Policies.Actor(user);
        var outcome = await context.Store.RequestCancelAsync(id, actor, cancellationToken);
        if (outcome is CancelOutcome.NotFound)
        {
            return UnknownRun(id.ToString(CultureInfo.InvariantCulture));
        }

        if (outcome is CancelOutcome.AlreadyFinished)
        {
            var run = await context.Store.GetRunAsync(id, cancellationToken);
            return Problems.Conflict($"run {id} has already finished ({(run is null ? "gone" : StoreText.From(run.Status))}); nothing to cancel");
        }

        var subject = (await context.Store.GetRunAsync(id, cancellationToken))!.Target;
        await AuditTrail.RecordAsync(context, user, "run.cancel", subject, new { run_id = id, outcome = outcome == CancelOutcome.Cancelled ? "cancelled" : "cancel_requested" });
        return outcome == CancelOutcome.Cancelled
            ? Results.Ok(new { run_id = id, status = "cancelled" })
            : Results.Accepted($"/api/v1/runs/{id}", new { run_id = id, status = "cancel_requested" });
    }

    internal static IResult UnknownRun(string id) => Problems.NotFound($"no run has id {id}; GET /api/v1/runs lists runs");
}
