using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Syncplane.Analytics;
using Syncplane.Projects;
using Syncplane.Server.Security;
using Syncplane.Storage;

namespace Syncplane.Server.Api;

/// <summary>
/// <c>GET /api/v1/audit</c> (admin): who did what and when, newest first, paginated; <c>GET /api/v1/reports/audit</c>
/// (admin): the monthly audit report, as <c>syncplane report audit --format json</c> prints it.
/// </summary>
internal static class AuditEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/audit", ListAsync).RequireAuthorization(Policies.Admin).ScopeFiltered().WithName("ListAudit")
            .WithSummary("Manual actions and settings changes: who, what, on what, when (newest first; limit, cursor)");
        api.MapGet("/reports/audit", ReportAsync).RequireAuthorization(Policies.Admin).ScopeFiltered().WithName("GetAuditReport")
            .WithSummary("The monthly audit report: manual syncs by whom, failures, success rates, slowest targets (?month=YYYY-MM, default the previous month)");
    }

    private static async Task<IResult> ReportAsync(ServerContext context, HttpRequest request, CancellationToken cancellationToken)
    {
        DateOnly which;
        if (!request.Query.TryGetValue("month", out var month))
        {
            which = AuditReport.PreviousMonth(context.Time.GetUtcNow());
        }
        else if (!AuditReport.TryParseMonth(month.ToString(), out which))
        {
            return Problems.BadRequest($"'month' must be a month such as 2026-11 (YYYY-MM, UTC), not '{month}'");
        }

        var report = await AuditReport.BuildAsync(context.Store, which, context.ScopeOf(request.HttpContext.User), cancellationToken);
        return Results.Ok(report.ToJsonModel());
    }

    private static async Task<IResult> ListAsync(ServerContext context, System.Security.Claims.ClaimsPrincipal user, string? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!Paging.TryLimit(limit, out var size, out var problem) || !Paging.TryDecodeId(cursor, out var before, out problem))
        {
            return problem!;
        }

        var scope = context.ScopeOf(user);
        var (records, more) = scope.IsGlobal ? await AllAsync(context, before, size, cancellationToken) : await ScopedAsync(context, scope, before, size, cancellationToken);
        return Results.Ok(new
        {
            items = records.Select(r => new { id = r.Id, at = r.At, actor = r.Actor, action = r.Action, subject = r.Subject, details = JsonSerializer.Deserialize<JsonElement>(r.Details) }),
            next_cursor = more ? Paging.EncodeId(records[^1].Id) : null,
        });
    }

    private static async Task<(IReadOnlyList<AuditRecord> Records, bool More)> AllAsync(ServerContext context, long? before, int size, CancellationToken cancellationToken)
    {
        var records = await context.Store.ListAuditAsync(before, size, cancellationToken);
        return (records, records.Count == size);
    }

    // A project's admin sees what was done to its own targets and checks (and attempts on them from other projects).
    private static async Task<(IReadOnlyList<AuditRecord> Records, bool More)> ScopedAsync(
        ServerContext context, ProjectScope scope, long? before, int size, CancellationToken cancellationToken)
    {
        var kept = new List<AuditRecord>();
        while (true)
        {
            var page = await context.Store.ListAuditAsync(before, size, cancellationToken);
            foreach (var record in page)
            {
                if (scope.SeesTarget(record.Subject) || scope.SeesCheck(record.Subject))
                {
                    kept.Add(record);
                    if (kept.Count == size)
                    {
                        return (kept, true);
                    }
                }
            }

            if (page.Count < size)
            {
                return (kept, false);
            }

            before = page[^1].Id;
        }
    }
}
